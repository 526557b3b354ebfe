package shopflow.web;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Reads request bodies within their limits, counted on the stream: a body sent without
 * Content-Length (chunked) is cut off at its limit like one that declares its size. Event batches,
 * the one big body, also share a budget of bytes in flight: each batch reserves its declared size
 * (a chunked one the most a batch may be) before it is read, and gives it back when it is stored or
 * refused, so that any number of concurrent batches holds at most the budget in memory (times what
 * parsing adds) instead of running the heap out.
 */
final class RequestBodies {

    /** How long a client refused for a full budget should wait before sending again. */
    static final int RETRY_AFTER_SECONDS = 1;
    /** How far over its limit a refused body is still read before the 413 (see readAndDropModestOverflow). */
    private static final long READ_OVERFLOW_BYTES = 1024 * 1024;

    private final int eventBytesBudget;
    private final Semaphore eventBytes;

    RequestBodies(long eventBytesBudget) {
        if (eventBytesBudget < WebServer.MAX_EVENT_BATCH_BYTES || eventBytesBudget > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the event bytes in flight must be from " + WebServer.MAX_EVENT_BATCH_BYTES
                    + " (one batch) to " + Integer.MAX_VALUE + ", got " + eventBytesBudget);
        }
        this.eventBytesBudget = (int) eventBytesBudget;
        this.eventBytes = new Semaphore(this.eventBytesBudget);
    }

    /** The body, at most {@code limit} bytes whether its size is declared or not; 413 beyond. */
    static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            readAndDropModestOverflow(ctx, declared - limit);
            throw tooLarge(declared + " bytes", limit);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, limit)));
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limit) {
                    drop(in, READ_OVERFLOW_BYTES);
                    throw tooLarge("over " + limit + " bytes (sent without Content-Length)", limit);
                }
                body.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw ApiError.badRequest("body", "the body could not be read: " + e.getMessage());
        }
        return body.toByteArray();
    }

    /**
     * Runs {@code work} holding this batch's share of the event budget: its declared size, or the
     * largest batch when it declares none. 503 with Retry-After when the budget is spent.
     */
    <T> T withEventBudget(Context ctx, Supplier<T> work) {
        long declared = ctx.req().getContentLengthLong();
        int share = (int) (declared < 0 || declared > WebServer.MAX_EVENT_BATCH_BYTES ? WebServer.MAX_EVENT_BATCH_BYTES
                : declared);
        if (!eventBytes.tryAcquire(share)) {
            ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            throw ApiError.unavailable("the server is storing as many event batches as it holds at once ("
                    + eventBytesBudget / (1024 * 1024) + " MB in flight); send this batch again in "
                    + RETRY_AFTER_SECONDS + " s");
        }
        try {
            return work.get();
        } finally {
            eventBytes.release(share);
        }
    }

    /** Bytes of event batches being read, parsed or stored now. */
    long eventBytesInFlight() {
        return eventBytesBudget - eventBytes.availablePermits();
    }

    private static ApiError tooLarge(String size, long limit) {
        return ApiError.tooLarge("the request body is " + size + "; at most " + limit + " are accepted here");
    }

    /**
     * Reads and drops the rest of a body refused for its size when it is only modestly over the
     * limit: answering before the client has sent its body makes the server close the connection
     * under it, and the client may then see a reset instead of the 413 and its message. A body far
     * over the limit is not read (the connection is closed after the 413).
     */
    static void readAndDropModestOverflow(Context ctx, long overflow) {
        if (overflow <= READ_OVERFLOW_BYTES) {
            try {
                drop(ctx.req().getInputStream(), READ_OVERFLOW_BYTES);
            } catch (IOException e) {
                // the client went away: nothing to answer
            }
        }
    }

    /** Reads and drops at most {@code most} bytes (a chunked body may never end). */
    private static void drop(InputStream in, long most) {
        try {
            byte[] buffer = new byte[16 * 1024];
            for (long dropped = 0; dropped < most; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, most - dropped));
                if (n < 0) {
                    return;
                }
                dropped += n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }
}
