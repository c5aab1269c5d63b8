using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Velithon.Contracts;

/// <summary>
/// The validation failures of one received message: (member name, message) pairs, in the order found. The
/// dispatch Velithon's generator writes fills it from the case's validation attributes and
/// <see cref="IValidatableObject"/>, and hands it to <see cref="ContractMessages.RejectInvalidAsync"/>, which sends it
/// as the <c>errors</c> object of an error envelope or names the members in a 1007 close reason. Infrastructure,
/// hidden from IntelliSense.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ValidationErrors : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _errors = [];

    /// <summary>Creates an empty collection.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValidationErrors()
    {
    }

    /// <summary>How many failures were added.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public int Count => _errors.Count;

    /// <summary>The failure at <paramref name="index"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public KeyValuePair<string, string> this[int index] => _errors[index];

    /// <summary>Adds a failure.</summary>
    /// <param name="memberName">
    /// The member as the payload's JSON names it (the key of the <c>errors</c> object), or empty for the object as a whole.
    /// </param>
    /// <param name="message">The failure, as the validation attribute formats it.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Add(string memberName, string message)
    {
        ArgumentNullException.ThrowIfNull(memberName);
        ArgumentNullException.ThrowIfNull(message);
        _errors.Add(new KeyValuePair<string, string>(memberName, message));
    }

    /// <summary>
    /// Adds the failure <paramref name="result"/> describes (from <see cref="IValidatableObject.Validate"/>): once per
    /// member it names, or once for the object as a whole when it names none. <see cref="ValidationResult.Success"/> adds nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Add(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (ReferenceEquals(result, ValidationResult.Success))
        {
            return;
        }

        string message = result.ErrorMessage ?? "The value is invalid.";
        bool any = false;
        foreach (string member in result.MemberNames)
        {
            Add(member ?? string.Empty, message);
            any = true;
        }

        if (!any)
        {
            Add(string.Empty, message);
        }
    }

    /// <summary>The failures in the order they were added.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _errors.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => _errors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _errors.GetEnumerator();
}
