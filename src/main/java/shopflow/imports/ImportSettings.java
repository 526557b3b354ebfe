package shopflow.imports;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;

/**
 * What one import is asked to do. {@code dateFormat} null: the formats {@link InvoiceDates} knows;
 * {@code rejects} null: any bad line refuses the whole file; {@code now}: lines dated after it are refused.
 */
public record ImportSettings(Path file, ImportFormat format, ZoneId zone, String currency, BigDecimal vatRate,
        boolean pricesIncludeVat, Charset encoding, String dateFormat, boolean dryRun, Path rejects, boolean replace,
        Instant now) {
}
