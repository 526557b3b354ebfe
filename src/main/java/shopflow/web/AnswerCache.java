package shopflow.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Report answers shared between requests while the data has not changed, keyed by their ETag
 * ({@link ReportEtag}: the database's snapshot, the report, its parameters, the as-of moment or
 * minute, the format and the masking). A dashboard open on many screens then runs each panel's SQL once per
 * change of the data, not once per screen and refresh: the answer's cost no longer grows with the
 * clients, nor with the orders of the day it reads.
 *
 * <p>Requests for a tag being computed wait for that computation (one SQL run however many ask at
 * once). If it fails, each waiter computes for itself: the failure may be the first caller's own (its
 * token's limit of running reports), and an error is no answer to share.
 *
 * <p>The snapshot ({@link shopflow.reports.ReportRunner#dataSnapshot}) is read at each request, so a
 * client that has just written is never served an answer from before its write: its write is in
 * the snapshot, which no answer kept before it carries.
 *
 * <p>Bounded: a newer snapshot empties the cache (the older tags are never asked again), and
 * past {@link #MAX_ANSWERS} answers or {@link #MAX_CHARS} characters in all it starts over; an
 * answer longer than {@link #MAX_ANSWER_CHARS} (a big CSV export) is not kept.
 */
final class AnswerCache {

    static final int MAX_ANSWERS = 512;
    static final long MAX_CHARS = 32L << 20;
    static final int MAX_ANSWER_CHARS = 1 << 20;

    private final ConcurrentHashMap<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
    private final AtomicLong chars = new AtomicLong();
    /** The newest snapshot asked for: the answers kept are of it (or, briefly, older). */
    private volatile String snapshot = "";
    /** Its xmax, the first transaction id not yet started: a later snapshot's is never smaller. */
    private volatile long snapshotXmax = Long.MIN_VALUE;

    /** The answer of {@code tag} (of {@code snapshot}): kept, being computed, or computed now. */
    String answer(String snapshot, String tag, Supplier<String> compute) {
        startOverIfNewer(snapshot);
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> theirs = answers.putIfAbsent(tag, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                return compute.get();
            }
        }
        String body;
        try {
            body = compute.get();
        } catch (RuntimeException | Error e) {
            answers.remove(tag, mine);
            mine.completeExceptionally(e);
            throw e;
        }
        mine.complete(body);
        keep(tag, mine, body);
        return body;
    }

    /** Keeps {@code answer} under {@code tag} within the bounds. */
    private void keep(String tag, CompletableFuture<String> answer, String body) {
        if (body.length() > MAX_ANSWER_CHARS) {
            answers.remove(tag, answer);
            return;
        }
        answers.put(tag, answer);
        if (answers.size() > MAX_ANSWERS || chars.addAndGet(body.length()) > MAX_CHARS) {
            startOver();
        }
    }

    /** The answer of {@code tag} computed anew (a client asked for it: no-cache), kept for the next ones. */
    String fresh(String snapshot, String tag, Supplier<String> compute) {
        startOverIfNewer(snapshot);
        String body = compute.get();
        keep(tag, CompletableFuture.completedFuture(body), body);
        return body;
    }

    /** Forgets every answer: the next request for each computes it again. */
    private synchronized void startOver() {
        answers.clear();
        chars.set(0);
    }

    /**
     * Empties the cache for a snapshot other than the current one, unless it is older (a smaller
     * xmax: a request that read it just before a commit): that one's answers are not asked again.
     */
    private void startOverIfNewer(String asked) {
        if (asked.equals(snapshot)) {
            return;
        }
        long xmax = Long.parseLong(asked.split(":", 3)[1]);
        synchronized (this) {
            if (xmax >= snapshotXmax && !asked.equals(snapshot)) {
                snapshot = asked;
                snapshotXmax = xmax;
                startOver();
            }
        }
    }
}
