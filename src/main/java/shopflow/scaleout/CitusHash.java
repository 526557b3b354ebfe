package shopflow.scaleout;

/**
 * The hash Citus places a row's shard by: PostgreSQL's own hash of the distribution column's type
 * ({@code hashint4} for an integer, {@code hashtext} for text and varchar under a deterministic
 * collation), the 32-bit Jenkins hash of PostgreSQL's {@code src/common/hashfn.c}. A shard holds
 * the rows whose hash lies in its range ({@code pg_dist_shard}), so a loader that computes it can
 * write each row straight to its shard on its worker ({@link ShardPlacements}).
 */
public final class CitusHash {

    private static final int SEED = 0x9e3779b9 + 3923095;

    private CitusHash() {
    }

    /** {@code hashint4(value)}, i.e. {@code hash_bytes_uint32()}. */
    public static int ofInt(int value) {
        int a = SEED + 4 + value;
        int b = SEED + 4;
        int c = SEED + 4;
        return finalMix(a, b, c);
    }

    /** {@code hashtext()} of the UTF-8 bytes {@code bytes[from, from + length)}, i.e. {@code hash_bytes()}. */
    public static int ofText(byte[] bytes, int from, int length) {
        int a = SEED + length;
        int b = a;
        int c = a;
        int k = from;
        int left = length;
        while (left >= 12) {
            a += littleEndian(bytes, k);
            b += littleEndian(bytes, k + 4);
            c += littleEndian(bytes, k + 8);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            k += 12;
            left -= 12;
        }
        // the last 11 bytes at most: c's lowest byte is left out, as PostgreSQL's little-endian path does
        switch (left) {
            case 11: c += (bytes[k + 10] & 0xff) << 24; // fall through
            case 10: c += (bytes[k + 9] & 0xff) << 16; // fall through
            case 9: c += (bytes[k + 8] & 0xff) << 8; // fall through
            case 8: b += (bytes[k + 7] & 0xff) << 24; // fall through
            case 7: b += (bytes[k + 6] & 0xff) << 16; // fall through
            case 6: b += (bytes[k + 5] & 0xff) << 8; // fall through
            case 5: b += bytes[k + 4] & 0xff; // fall through
            case 4: a += (bytes[k + 3] & 0xff) << 24; // fall through
            case 3: a += (bytes[k + 2] & 0xff) << 16; // fall through
            case 2: a += (bytes[k + 1] & 0xff) << 8; // fall through
            case 1: a += bytes[k] & 0xff; // fall through
            default: break;
        }
        return finalMix(a, b, c);
    }

    private static int littleEndian(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16 | (bytes[at + 3] & 0xff) << 24;
    }

    private static int finalMix(int a, int b, int c) {
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
