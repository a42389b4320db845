using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Workflows.Engine;

/// <summary>
/// Run ids without a random draw per run: a random 64-bit prefix per process, then a counter.
/// Formatted as a GUID ("d" format) only when someone asks for it.
/// </summary>
internal static class RunIds
{
    private static readonly long s_prefix = BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
    private static long s_counter;

    public static long Next() => Interlocked.Increment(ref s_counter);

    public static string Format(long number)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, s_prefix);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], number);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
