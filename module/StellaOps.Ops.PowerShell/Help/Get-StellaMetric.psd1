@{
    Synopsis    = 'Gets the daemon''s metrics as they stand now.'
    Description = 'Returns one MetricSample per metric and tag set: its name, kind (Counter, UpDownCounter, Gauge, Histogram), description, unit, tags and value since the daemon started (for a histogram the sum, with Count measurements). -Name filters by name, wildcards allowed. A metric appears once something was measured: a counter that never counted since the daemon started (no signing failure yet) returns nothing, and -Verbose says so.'
    Parameters  = @{
        Name = 'Metric names to get, wildcards allowed, e.g. attestor_* or attestor_signing_failures_total. Default: all.'
    }
    Examples    = @(
        @{ Code = 'Get-StellaMetric attestor_signing_failures_total'; Remarks = 'Signing failures, symptom "Metric attestor_signing_failures_total increasing": the count since the daemon started.' }
        @{ Code = 'Get-StellaMetric attestor_*'; Remarks = 'Every attestor metric.' }
    )
}
