using System.Management.Automation;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.PowerShell.Tests;

public class ErrorMappingTests
{
    [Theory]
    [InlineData(OpsErrorCode.Unavailable, ErrorCategory.ConnectionError)]
    [InlineData(OpsErrorCode.Unauthorized, ErrorCategory.PermissionDenied)]
    [InlineData(OpsErrorCode.PermissionDenied, ErrorCategory.PermissionDenied)]
    [InlineData(OpsErrorCode.NotFound, ErrorCategory.ObjectNotFound)]
    [InlineData(OpsErrorCode.KeyNotFound, ErrorCategory.ObjectNotFound)]
    [InlineData(OpsErrorCode.SettingNotFound, ErrorCategory.ObjectNotFound)]
    [InlineData(OpsErrorCode.InvalidArgument, ErrorCategory.InvalidArgument)]
    [InlineData(OpsErrorCode.InvalidSetting, ErrorCategory.InvalidArgument)]
    [InlineData(OpsErrorCode.Timeout, ErrorCategory.OperationTimeout)]
    [InlineData(OpsErrorCode.ProtocolMismatch, ErrorCategory.InvalidOperation)]
    [InlineData(OpsErrorCode.KeyExpired, ErrorCategory.InvalidOperation)]
    [InlineData(OpsErrorCode.HsmUnavailable, ErrorCategory.ResourceUnavailable)]
    [InlineData(OpsErrorCode.VerificationFailed, ErrorCategory.SecurityError)]
    [InlineData(OpsErrorCode.UntrustedPath, ErrorCategory.SecurityError)]
    [InlineData(OpsErrorCode.UntrustedPeer, ErrorCategory.SecurityError)]
    [InlineData(OpsErrorCode.StorageFull, ErrorCategory.ResourceUnavailable)]
    [InlineData(OpsErrorCode.NotImplemented, ErrorCategory.NotImplemented)]
    [InlineData(OpsErrorCode.LimitExceeded, ErrorCategory.LimitsExceeded)]
    [InlineData(OpsErrorCode.Internal, ErrorCategory.NotSpecified)]
    public void CodesMapToCategories(OpsErrorCode code, ErrorCategory category) => Assert.Equal(category, ErrorMapping.CategoryOf(code));

    [Fact]
    public void RecordCarriesIdTargetAndRecommendedAction()
    {
        var ex = new OpsException(OpsErrorCode.KeyExpired, "the active signing key k-1 expired", "k-1", "activate a backup key with Enable-StellaKey");
        var r = ErrorMapping.ToErrorRecord(ex);
        Assert.Equal("KeyExpired", r.FullyQualifiedErrorId);
        Assert.Equal("k-1", r.TargetObject);
        Assert.Equal("activate a backup key with Enable-StellaKey", r.ErrorDetails.RecommendedAction);
        Assert.Same(ex, r.Exception);
    }

    /// <summary>The one rule for which failures end a command (RequestPipeline, InvokeForItem): refusals of the caller or the call, and a lost connection.</summary>
    [Theory]
    [InlineData(OpsErrorCode.PermissionDenied, true)]
    [InlineData(OpsErrorCode.Unauthorized, true)]
    [InlineData(OpsErrorCode.Unavailable, true)]
    [InlineData(OpsErrorCode.ProtocolMismatch, true)]
    [InlineData(OpsErrorCode.UntrustedPeer, true)]
    [InlineData(OpsErrorCode.InvalidArgument, false)]
    [InlineData(OpsErrorCode.KeyExpired, false)]
    [InlineData(OpsErrorCode.HsmUnavailable, false)]
    [InlineData(OpsErrorCode.LimitExceeded, false)]
    [InlineData(OpsErrorCode.Internal, false)]
    public void RefusalsAndLostConnectionsEndTheCommandOtherFailuresBelongToItems(OpsErrorCode code, bool ends)
        => Assert.Equal(ends, ErrorMapping.EndsCommand(code));
}
