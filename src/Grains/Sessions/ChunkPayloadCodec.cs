using System.Buffers;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Serializer for <see cref="ChunkPayload"/>: one length-prefixed field holding the bytes, written straight from
/// <see cref="ChunkPayload.Data"/> and read into an array rented from <see cref="ArrayPool{T}.Shared"/>, which the
/// payload then owns (see <see cref="ChunkPayload.ReturnToPool"/>).
/// </summary>
/// <remarks>
/// The payload is a value type, so it never takes part in reference tracking: both sides only mark a value field,
/// as Orleans' own value codecs do, which keeps the session's reference ids in step.
/// </remarks>
[RegisterSerializer]
public sealed class ChunkPayloadCodec : IFieldCodec<ChunkPayload>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, ChunkPayload value)
        where TBufferWriter : IBufferWriter<byte>
    {
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(ChunkPayload), WireType.LengthPrefixed);
        var bytes = value.Data.Span;
        writer.WriteVarUInt32((uint)bytes.Length);
        writer.Write(bytes);
    }

    public ChunkPayload ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        ReferenceCodec.MarkValueField(reader.Session);
        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        if (length == 0)
        {
            return default;
        }

        if (length > (uint)Array.MaxLength)
        {
            throw new SerializerException($"A chunk payload of {length} bytes is larger than the largest array.");
        }

        // A corrupt or hostile length must not rent a huge array before the read fails.
        reader.EnsureAvailable(length);
        var rented = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            reader.ReadBytes(rented.AsSpan(0, (int)length));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }

        return new ChunkPayload(rented, (int)length);
    }
}

/// <summary>Copier for <see cref="ChunkPayload"/>, which is immutable: the value itself is the copy.</summary>
[RegisterCopier]
public sealed class ChunkPayloadCopier : IDeepCopier<ChunkPayload>, IOptionalDeepCopier
{
    public ChunkPayload DeepCopy(ChunkPayload input, CopyContext context) => input;

    public bool IsShallowCopyable() => true;
}
