namespace Workflows.Durable.Tests.Flows;

public sealed record InvoiceReceived([RunTitle] string Subject, decimal Amount) : StartEvent;
public sealed record InvoiceFiled(string Subject) : StopEvent;

/// <summary>A workflow whose runs are titled by their StartEvent's [RunTitle] member.</summary>
[Workflow]
public partial class InvoiceFlow
{
    [Step]
    public static InvoiceFiled File(InvoiceReceived invoice) => new(invoice.Subject);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(InvoiceReceived))]
[System.Text.Json.Serialization.JsonSerializable(typeof(InvoiceFiled))]
public sealed partial class InvoiceJson : System.Text.Json.Serialization.JsonSerializerContext;
