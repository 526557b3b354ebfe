package shopflow.imports;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What an import did (or, with --dry-run, would do), from the apply script's import_summary. For
 * the {@code shopify} format, invoices are orders (their Name), and the partial cancellations are
 * the partial refunds (their amount: the net sales they returned); the edited orders are those imported
 * before whose line items this export shows changed (kept as first imported; up to ten named).
 */
public record ImportSummary(String file, ImportFormat format, long lines, long rejected, boolean dryRun,
        long invoicesInFile, long invoicesNew, long orders, long guestOrders, long orderLines, long customersNew,
        long productsNew, long categoriesNew, long couponsNew, long ordersMovedOn, long ordersEdited,
        List<String> editedOrders, BigDecimal grossSales, BigDecimal discounts, BigDecimal shipping, BigDecimal taxes, long ordersRefunded,
        BigDecimal returns, long cancellationsPartial, BigDecimal cancellationsPartialAmount, long cancellationsNoOrder,
        BigDecimal cancellationsNoOrderAmount, long adjustments, BigDecimal adjustmentsAmount, OffsetDateTime firstAt,
        OffsetDateTime lastAt, List<String> ignoredColumns, List<Phase> phases, double seconds) {

    /** A step of the import and its wall-clock seconds. */
    public record Phase(String name, double seconds) {
    }

    /** Lines per second over the whole import, parsing to commit. */
    public double linesPerSecond() {
        return seconds > 0 ? lines / seconds : 0;
    }
}
