package shopflow.imports;

import java.math.BigDecimal;
import java.time.Instant;

/** One checked line of a file, as it goes into the staging table. customer null: a guest. */
record StagedLine(long line, String invoice, String stockCode, String description, int quantity, Instant invoicedAt,
        BigDecimal unitPrice, String customer, String country) {
}
