package shopflow.generate;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of the bulk load: a progress bar with rows per second of the big tables on a
 * terminal, a plain line every tenth otherwise (logs and CI do not want carriage returns).
 */
final class Progress implements AutoCloseable {

    private static final Table[] SHOWN = {Table.ORDERS, Table.ORDER_ITEMS, Table.PAGE_VIEWS, Table.CART_EVENTS};

    private final PrintStream out;
    private final ProgressBar bar;
    private final int chunks;
    private final long startNanos = System.nanoTime();
    private final Map<Table, AtomicLong> rows = new ConcurrentHashMap<>();
    private final AtomicLong done = new AtomicLong();

    Progress(PrintStream out, int chunks, boolean terminal) {
        this.out = out;
        this.chunks = chunks;
        this.bar = terminal && out != null
                ? new ProgressBarBuilder().setTaskName("generate").setInitialMax(chunks)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                        .setUnit(" chunks", 1).continuousUpdate().build()
                : null;
        for (Table table : Table.values()) {
            rows.put(table, new AtomicLong());
        }
    }

    void rows(Table table, long count) {
        rows.get(table).addAndGet(count);
    }

    void chunkDone() {
        long n = done.incrementAndGet();
        if (bar != null) {
            bar.stepTo(n);
            bar.setExtraMessage(rates());
        } else if (out != null && (n * 10 / chunks != (n - 1) * 10 / chunks || n == chunks)) {
            out.printf("generate: %d%% (%d of %d chunks) %s%n", n * 100 / chunks, n, chunks, rates());
        }
    }

    private String rates() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        StringBuilder text = new StringBuilder();
        for (Table table : SHOWN) {
            if (text.length() > 0) {
                text.append(" · ");
            }
            text.append(table.sqlName()).append(' ').append(Math.round(rows.get(table).get() / seconds / 1000)).append("k/s");
        }
        return text.toString();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
