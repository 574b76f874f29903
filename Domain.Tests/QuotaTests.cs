namespace NdisMock.Domain.Tests;

/// <summary>An operator's limits refuse the call that would exceed them and leave everything already there intact.</summary>
public sealed class QuotaTests
{
    [Fact]
    public void VcQuota_RefusesTheNextVc_OfEitherCreator_AndFreesUpOnDelete()
    {
        var sandbox = new Sandbox(new SandboxOptions { MaxVcs = 2 });
        var af = sandbox.OpenAf();
        var first = sandbox.ClientVc(af);
        sandbox.ClientVc(af);

        var refused = sandbox.Refused("V-QUOTA-01", s => s.NdisCoCreateVc(af, "third"));
        sandbox.Refused("V-QUOTA-01", s => s.NdisMCmCreateVc(af, null, "third"));

        Assert.Equal(Refusal.Quota, refused.Violation!.Rule.Refusal);
        Given.Ok(sandbox.NdisCoDeleteVc(first));
        Given.Ok(sandbox.NdisCoCreateVc(af, "third"));
    }

    [Fact]
    public void PendingQuota_RefusesTheNextPend_AndFreesUpOnCompletion()
    {
        var sandbox = new Sandbox(new SandboxOptions { MaxPendingOperations = 1 });
        var af = sandbox.OpenAf();
        var one = sandbox.ClientVc(af);
        var two = sandbox.ClientVc(af);
        var made = sandbox.NdisClMakeCall(one, null, null);

        sandbox.Refused("V-QUOTA-02", s => s.NdisClMakeCall(two, null, null));
        sandbox.Refused("V-QUOTA-02", s => s.NdisMCmNotifyCloseAddressFamily(af));

        Given.Ok(sandbox.CompletePendingOperation(made.PendingOperationId!, NdisStatuses.Success));
        Assert.Equal(OutcomeKind.Pended, sandbox.NdisClMakeCall(two, null, null).Kind);
    }

    [Fact]
    public void PendingQuota_DoesNotStopSynchronousAnswers()
    {
        var sandbox = new Sandbox(new SandboxOptions { MaxPendingOperations = 1 });
        var af = sandbox.OpenAf();
        sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null);
        sandbox.SetBehavior(CmHandler.ProtocolCmMakeCall, HandlerBehavior.CompleteWith(NdisStatuses.Success));

        Assert.Equal(NdisStatuses.Success, sandbox.NdisClMakeCall(sandbox.ClientVc(af), null, null).Status);
    }
}
