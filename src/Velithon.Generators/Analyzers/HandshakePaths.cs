using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Velithon.Generators.Analyzers;

/// <summary>
/// Follows the statements of a handler body and reports every <c>return</c> (and a reachable end) on a path where
/// the handshake was neither accepted nor closed. The state is one bit, "answered", that only turns on along a path;
/// where paths meet, it is on only if it is on for each of them. A path ending in <c>throw</c> is not a return: the
/// runtime answers it (500, or the close of a <c>WebSocketCloseException</c>). Anything it cannot see into counts as
/// an answer: passing the socket to another method, or any call on it other than reading a property.
/// </summary>
internal sealed class HandshakePaths(WebSocketSymbols symbols, IParameterSymbol socket, Action<Location> report)
{
    // The "answered" bit at each break, per loop or switch exit label.
    private readonly Dictionary<ILabelSymbol, List<bool>> _breaks = new(SymbolEqualityComparer.Default);

    public void Report(Location location) => report(location);

    /// <summary>Walks <paramref name="operation"/> entered with <paramref name="answered"/>; returns whether its end is reachable and the bit there.</summary>
    public (bool Reachable, bool Answered) Walk(IOperation operation, bool answered)
    {
        switch (operation)
        {
            case IBlockOperation block:
                foreach (var statement in block.Operations)
                {
                    (bool reachable, answered) = Walk(statement, answered);
                    if (!reachable)
                    {
                        return (false, answered);
                    }
                }

                return (true, answered);

            case IReturnOperation { Kind: OperationKind.Return } ret:
                answered |= ret.ReturnedValue is not null && Answers(ret.ReturnedValue);
                if (!answered)
                {
                    report(ret.Syntax.GetLocation());
                }

                return (false, answered);

            case IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation }:
                return (false, true);

            case IConditionalOperation { WhenTrue: var whenTrue } conditional when whenTrue is not null && conditional.Type is null:
            {
                bool entered = answered || Answers(conditional.Condition);
                var yes = Walk(whenTrue, entered);
                var no = conditional.WhenFalse is { } whenFalse ? Walk(whenFalse, entered) : (true, entered);
                return Join(yes, no);
            }

            case ILoopOperation loop:
                return WalkLoop(loop, answered);

            case IBranchOperation { BranchKind: BranchKind.Break } branch:
                Record(branch.Target, answered);
                return (false, answered);

            case IBranchOperation { BranchKind: BranchKind.Continue }:
                return (false, answered);

            case ISwitchOperation @switch:
            {
                bool entered = answered || Answers(@switch.Value);
                bool hasDefault = false;
                foreach (var section in @switch.Cases)
                {
                    hasDefault |= section.Clauses.Any(static c => c.CaseKind == CaseKind.Default);
                    bool state = entered || section.Clauses.Any(c => c is IPatternCaseClauseOperation { Guard: { } guard } && Answers(guard));
                    foreach (var statement in section.Body)
                    {
                        (bool reachable, state) = Walk(statement, state);
                        if (!reachable)
                        {
                            break;
                        }
                    }
                }

                var exits = Take(@switch.ExitLabel);
                if (!hasDefault)
                {
                    exits.Add(entered);
                }

                return exits.Count == 0 ? (false, true) : (true, exits.All(static b => b));
            }

            case ITryOperation @try:
            {
                // A finally that answers answers every path through the try, returns included.
                if (@try.Finally is { } @finally && Answers(@finally))
                {
                    var inner = Walk(@try.Body, true);
                    foreach (var @catch in @try.Catches)
                    {
                        Walk(@catch.Handler, true);
                    }

                    return (inner.Reachable || @try.Catches.Length > 0, true);
                }

                var result = Walk(@try.Body, answered);

                // Where the body threw is unknown: if it may have answered, a catch is not reported.
                bool caught = answered || Answers(@try.Body);
                foreach (var @catch in @try.Catches)
                {
                    result = Join(result, Walk(@catch.Handler, caught || (@catch.Filter is { } filter && Answers(filter))));
                }

                return result;
            }

            case IUsingOperation @using:
                return Walk(@using.Body, answered || Answers(@using.Resources));

            case ILockOperation @lock:
                return Walk(@lock.Body, answered || Answers(@lock.LockedValue));

            default:
                return (true, answered || Answers(operation));
        }
    }

    private (bool Reachable, bool Answered) WalkLoop(ILoopOperation loop, bool answered)
    {
        bool endless = false;
        switch (loop)
        {
            case IWhileLoopOperation { Condition: var condition } @while:
                endless = condition?.ConstantValue is { HasValue: true, Value: true };

                // A top-tested condition runs before the body; a do-loop's after it.
                if (@while.ConditionIsTop && condition is not null)
                {
                    answered |= Answers(condition);
                }

                break;
            case IForLoopOperation @for:
                endless = @for.Condition is null || @for.Condition.ConstantValue is { HasValue: true, Value: true };
                answered |= @for.Before.Any(Answers) || (@for.Condition is { } forCondition && Answers(forCondition));
                break;
            case IForEachLoopOperation forEach:
                answered |= Answers(forEach.Collection);
                break;
        }

        Walk(loop.Body, answered);
        var breaks = Take(loop.ExitLabel);

        // The body may not run at all, so the bit after a loop is the one before it, unless the loop is endless:
        // then only its breaks leave it.
        return endless ? (breaks.Count > 0, breaks.Count == 0 || breaks.All(static b => b)) : (true, answered);
    }

    /// <summary>True when <paramref name="operation"/> accepts or closes, or does something with the socket this walk cannot follow.</summary>
    private bool Answers(IOperation operation)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is IInvocationOperation { TargetMethod: var method }
                && (symbols.IsWebSocketMethod(method, "AcceptAsync") || symbols.IsWebSocketMethod(method, "CloseAsync")))
            {
                return true;
            }

            if (node is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, socket)
                && reference.Parent is not IPropertyReferenceOperation)
            {
                return true;
            }
        }

        return false;
    }

    private void Record(ILabelSymbol target, bool answered)
    {
        if (!_breaks.TryGetValue(target, out var states))
        {
            _breaks[target] = states = [];
        }

        states.Add(answered);
    }

    private List<bool> Take(ILabelSymbol? exit)
    {
        if (exit is null || !_breaks.TryGetValue(exit, out var states))
        {
            return [];
        }

        _breaks.Remove(exit);
        return states;
    }

    private static (bool Reachable, bool Answered) Join((bool Reachable, bool Answered) a, (bool Reachable, bool Answered) b) =>
        (a.Reachable || b.Reachable, (!a.Reachable || a.Answered) && (!b.Reachable || b.Answered));
}
