using Microsoft.Extensions.Options;
using StellaOps.Ops.Contracts;

namespace StellaOps.Ops.Daemon.Observability;

/// <summary>Refuses to start with a metrics.listen the endpoint would refuse: a bad address, or one off loopback without metrics.allow_non_loopback.</summary>
public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        try
        {
            MetricsListenAddress.Parse(options.Listen, options.AllowNonLoopback);
            return ValidateOptionsResult.Success;
        }
        catch (OpsException ex)
        {
            return ValidateOptionsResult.Fail($"{ex.Message} {ex.RecommendedAction}");
        }
    }
}
