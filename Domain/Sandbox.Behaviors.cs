namespace NdisMock.Domain;

// Behaviors: how each MCM handler answers (scripted by the user), with failure injection applied when it is read.
public sealed partial class Sandbox
{
    public IReadOnlyDictionary<CmHandler, HandlerBehavior> GetBehaviors()
    {
        lock (_gate)
        {
            return new Dictionary<CmHandler, HandlerBehavior>(_behaviors);
        }
    }

    /// <summary>Sets how a handler answers from now on; returns why it cannot, or null once set.</summary>
    public string? SetBehavior(CmHandler handler, HandlerBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        if (behavior.Problem(handler) is { } problem)
        {
            return problem;
        }

        lock (_gate)
        {
            using var changing = Changing();
            _behaviors[handler] = behavior;
            return null;
        }
    }

    /// <summary>
    /// How a handler answers this request, its failure injection applied; a pending answer needs room in the ledger,
    /// checked before anything changes. Counting down an injected failure takes effect only if the turn succeeds.
    /// </summary>
    private HandlerBehavior Behavior(CmHandler handler)
    {
        var behavior = _behaviors[handler];
        var fail = false;
        if (behavior.FailNext > 0)
        {
            fail = true;
            _turn.Commits.Add(() => _behaviors[handler] = _behaviors[handler] with { FailNext = _behaviors[handler].FailNext - 1 });
        }
        else if (behavior.FaultRate > 0)
        {
            var draw = _faultDraws.GetValueOrDefault(handler);
            _turn.Commits.Add(() => _faultDraws[handler] = draw + 1);
            fail = new Random(unchecked((behavior.FaultSeed * 7919) + (int)draw)).NextDouble() < behavior.FaultRate;
        }

        if (fail)
        {
            var status = behavior.FailStatus ?? NdisStatuses.Failure;
            behavior = behavior is { Mode: BehaviorMode.Pend, CompleteAfter: not null }
                ? behavior with { Status = status }
                : HandlerBehavior.CompleteWith(status);
        }

        if (behavior.Mode == BehaviorMode.Pend)
        {
            RequirePendingRoom();
        }

        return behavior;
    }
}
