using System.Text.Json.Serialization;

namespace HostedOrders;

/// <summary>How durable runs of <see cref="OrderFlow"/> store its events: source-generated, so trimming- and AOT-safe.</summary>
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPriced))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(OrderDone))]
internal sealed partial class OrderJson : JsonSerializerContext;
