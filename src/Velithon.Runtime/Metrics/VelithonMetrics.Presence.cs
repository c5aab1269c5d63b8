using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Velithon.Presence;

namespace Velithon.Metrics;

/// <summary>The <c>velithon.presence.*</c> instruments (see docs/presence.md, "Metrics").</summary>
internal sealed partial class VelithonMetrics
{
    public const string PresenceOriginTag = "velithon.presence.origin";
    public const string PresenceOpTag = "velithon.presence.op";
    public const string PresenceChangeTag = "velithon.presence.change";

    private UpDownCounter<long> _presenceEntries = null!;
    private Counter<long> _presenceDiffs = null!;
    private Counter<long> _presenceKeys = null!;
    private Counter<long> _presencePublished = null!;
    private Counter<long> _presenceReceived = null!;
    private Counter<long> _presenceExpired = null!;
    private Counter<long> _presenceStates = null!;

    private void CreatePresenceInstruments(Meter meter)
    {
        _presenceEntries = meter.CreateUpDownCounter<long>("velithon.presence.entries", "{entry}", "Tracked connections this server holds presence entries for, by origin: local (its own connections) or remote (copies of other servers' entries).");
        _presenceDiffs = meter.CreateCounter<long>("velithon.presence.diffs", "{message}", "presence_diff messages made for this server's members of a group (one per change that made a key join or leave).");
        _presenceKeys = meter.CreateCounter<long>("velithon.presence.key_changes", "{key}", "Keys that joined or left a group as this server saw it, by change (join or leave).");
        _presencePublished = meter.CreateCounter<long>("velithon.presence.messages.published", "{message}", "Presence messages this server published to the others, by op (delta, state, heartbeat, sync_request).");
        _presenceReceived = meter.CreateCounter<long>("velithon.presence.messages.received", "{message}", "Presence messages from other servers that reached this server, by op.");
        _presenceExpired = meter.CreateCounter<long>("velithon.presence.expired", "{entry}", "Entries of other servers forgotten because their server went silent for longer than the presence timeout.");
        _presenceStates = meter.CreateCounter<long>("velithon.presence.syncs", "{message}", "Full states this server published, in answer to a server that joined a group or found a gap in this server's sequence.");
    }

    public void PresenceEntriesChanged(bool local, int change)
    {
        if (change != 0)
        {
            _presenceEntries.Add(change, new KeyValuePair<string, object?>(PresenceOriginTag, local ? "local" : "remote"));
        }
    }

    public void PresenceDiff(int joins, int leaves)
    {
        _presenceDiffs.Add(1);
        if (joins > 0)
        {
            _presenceKeys.Add(joins, new KeyValuePair<string, object?>(PresenceChangeTag, "join"));
        }

        if (leaves > 0)
        {
            _presenceKeys.Add(leaves, new KeyValuePair<string, object?>(PresenceChangeTag, "leave"));
        }
    }

    public void PresenceMessagePublished(PresenceOp op)
    {
        if (_presencePublished.Enabled)
        {
            _presencePublished.Add(1, new KeyValuePair<string, object?>(PresenceOpTag, OpName(op)));
        }
    }

    public void PresenceMessageReceived(PresenceOp op)
    {
        if (_presenceReceived.Enabled)
        {
            _presenceReceived.Add(1, new KeyValuePair<string, object?>(PresenceOpTag, OpName(op)));
        }
    }

    public void PresenceServerExpired(int entries)
    {
        if (entries > 0)
        {
            _presenceExpired.Add(entries);
        }
    }

    public void PresenceStateSent() => _presenceStates.Add(1);

    private static string OpName(PresenceOp op) => op switch
    {
        PresenceOp.Delta => "delta",
        PresenceOp.State => "state",
        PresenceOp.Heartbeat => "heartbeat",
        _ => "sync_request",
    };
}
