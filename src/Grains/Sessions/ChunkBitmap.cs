using System.Numerics;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Which chunks are stored, one bit each: 2,000 chunks of a 10 GB file cost 250 bytes of state.</summary>
public static class ChunkBitmap
{
    public static byte[] Create(int chunkCount) => new byte[(chunkCount + 7) / 8];

    public static bool IsSet(byte[] bitmap, int chunk) => (bitmap[chunk >> 3] & (1 << (chunk & 7))) != 0;

    public static void Set(byte[] bitmap, int chunk) => bitmap[chunk >> 3] |= (byte)(1 << (chunk & 7));

    public static void Clear(byte[] bitmap, int chunk) => bitmap[chunk >> 3] &= (byte)~(1 << (chunk & 7));

    public static int Count(byte[] bitmap)
    {
        var count = 0;
        foreach (var b in bitmap)
        {
            count += BitOperations.PopCount(b);
        }

        return count;
    }

    public static int? FirstMissing(byte[] bitmap, int chunkCount)
    {
        for (var index = 0; index < bitmap.Length; index++)
        {
            if (bitmap[index] != 0xFF)
            {
                var chunk = (index * 8) + BitOperations.TrailingZeroCount(~bitmap[index]);
                return chunk < chunkCount ? chunk : null;
            }
        }

        return null;
    }

    public static int[] Missing(byte[] bitmap, int chunkCount)
    {
        var missing = new List<int>();
        for (var chunk = 0; chunk < chunkCount; chunk++)
        {
            if (!IsSet(bitmap, chunk))
            {
                missing.Add(chunk);
            }
        }

        return [.. missing];
    }
}
