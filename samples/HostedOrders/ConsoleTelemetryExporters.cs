using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace HostedOrders;

/// <summary>
/// Prints finished spans through OpenTelemetry's export pipeline. (The package mirror this repository
/// builds from has the OpenTelemetry SDK and its OTLP exporter, but not OpenTelemetry.Exporter.Console,
/// so this small exporter stands in for it.)
/// </summary>
internal sealed class ConsoleSpanExporter : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (Activity span in batch)
        {
            string parent = span.ParentSpanId == default ? "root" : $"parent {span.ParentSpanId.ToHexString()[..6]}";
            string tags = string.Join(" ", span.TagObjects.Where(t => t.Key is not ("workflow.run_id" or "workflow.delivery_id")).Select(t => $"{t.Key}={t.Value}"));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[span] {span.DisplayName,-16} {span.Duration.TotalMilliseconds,7:0.0} ms  {span.Status,-5} trace {span.TraceId.ToHexString()[..6]} span {span.SpanId.ToHexString()[..6]} {parent}  {tags}"));
        }

        return ExportResult.Success;
    }
}

/// <summary>Prints metric points through OpenTelemetry's export pipeline.</summary>
internal sealed class ConsoleMetricExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (Metric metric in batch)
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (KeyValuePair<string, object?> tag in point.Tags)
                {
                    tags.Add($"{tag.Key}={tag.Value}");
                }

                string value = metric.MetricType switch
                {
                    MetricType.LongSum => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                    MetricType.Histogram => string.Create(CultureInfo.InvariantCulture, $"count {point.GetHistogramCount()}, sum {point.GetHistogramSum():0.000} {metric.Unit}"),
                    _ => metric.MetricType.ToString(),
                };
                Console.WriteLine($"[metric] {metric.Name,-26} {value,-24} {string.Join(" ", tags)}");
            }
        }

        return ExportResult.Success;
    }
}
