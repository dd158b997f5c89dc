using System.Management.Automation;
using StellaOps.Ops.Tuf.Repository;

namespace StellaOps.Ops.PowerShell.TufRepository;

/// <summary>publish.sh: checks the repository as a client would and copies it to the publish directory atomically, timestamp last.</summary>
[Cmdlet(VerbsData.Publish, "StellaTufRepository", SupportsShouldProcess = true)]
[OutputType(typeof(TufPublishResult))]
public sealed class PublishStellaTufRepositoryCommand : TufRepositoryCmdlet
{
    /// <summary>Where the TUF server serves from (metadata/ and targets/ below it; default: the repository's publish/).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            var repo = OpenRepository();
            var destination = Destination is null ? Path.Combine(repo.Directory, "publish") : ResolvePath(Destination);
            if (!ShouldProcess(destination, "Publish the signed TUF repository")) return;
            var result = repo.Publish(destination);
            if (result.PendingRootNotPublished is { } v) WriteWarning($"Root {v} is pending and was not published.");
            WriteObject(result);
        });
    }
}
