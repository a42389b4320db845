using System.Text.Json;
using System.Text.Json.Serialization;
using DocumentReview;

namespace ApprovalServer;

/// <summary>
/// How the review's events are stored and sent over HTTP: camelCase, strict (a missing or unknown
/// property, or a null where the type says none, is a 400 that names it), generated at compile time.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DocumentSubmitted))]
[JsonSerializable(typeof(SectionToReview))]
[JsonSerializable(typeof(SectionReviewed))]
[JsonSerializable(typeof(ReviewsGathered))]
[JsonSerializable(typeof(Progress))]
[JsonSerializable(typeof(ApprovalRequested))]
[JsonSerializable(typeof(ReviewerDecision))]
[JsonSerializable(typeof(ReadyToPublish))]
[JsonSerializable(typeof(ReviewCompleted))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
public sealed partial class ReviewJson : JsonSerializerContext;
