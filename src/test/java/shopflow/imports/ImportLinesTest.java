package shopflow.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shopflow.bench.RetailLinesFile;

/**
 * {@code import orders --format lines} on small hand-written files (src/test/resources/import/),
 * each figure worked out by hand below, on a fresh database per test.
 */
class ImportLinesTest {

    private static final Path QUIRKS = Path.of("src/test/resources/import/online_retail_quirks.csv");
    private static final Path LATER = Path.of("src/test/resources/import/online_retail_quirks_later.csv");
    private static final Path SECOND_EDITION = Path.of("src/test/resources/import/online_retail_ii_vat.csv");
    private static final Path NOT_ORDERS = Path.of("src/test/resources/import/not_orders.csv");
    private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    /** What the shop's tables hold, as one text: equal texts, equal shops. */
    private static final String SNAPSHOT = """
            select concat_ws(' | ',
              (select string_agg(concat_ws(',', order_id, customer_id, order_number, status, subtotal, discount_amount,
                      shipping_cost, tax_amount, total_amount, currency, created_at, updated_at), ';' order by order_id) from orders),
              (select string_agg(concat_ws(',', item_id, order_id, product_id, quantity, unit_price, line_total), ';' order by item_id) from order_items),
              (select string_agg(concat_ws(',', customer_id, email, external_id, signup_date), ';' order by customer_id) from customers),
              (select string_agg(concat_ws(',', address_id, customer_id, country), ';' order by address_id) from addresses),
              (select string_agg(concat_ws(',', product_id, sku, name, list_price), ';' order by product_id) from products),
              (select string_agg(concat_ws(',', change_id, order_id, from_status, to_status, changed_at), ';' order by change_id) from order_status_changes),
              (select string_agg(concat_ws(',', adjustment_id, invoice, amount), ';' order by adjustment_id) from imports.adjustments),
              (select string_agg(concat_ws(',', cancellation_id, invoice, order_id, outcome, amount), ';' order by cancellation_id) from imports.cancellations),
              (select count(*) from imports.invoices),
              (select string_agg(concat_ws(',', day, orders, gross_sales, discounts, shipping), ';' order by day) from rollups.sales_days),
              (select string_agg(concat_ws(',', day, orders, returns), ';' order by day) from rollups.return_days))""";

    private ImportedShop shop;

    @TempDir
    Path dir;

    @BeforeEach
    void database() {
        shop = new ImportedShop();
    }

    @AfterEach
    void close() {
        shop.close();
    }

    @Test
    void every_quirk_of_the_file_lands_where_the_rules_say() {
        ImportedShop.Run run = shop.run("import", "orders", QUIRKS.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        // Orders: 536365 (A), 536366 (B), 536367 (C, ISO dates, a quoted comma, 13047.0), 536368 (D, a guest, a
        // zero price), 536371 (E), 536372 (F). Invoices of fees alone (M, AMAZONFEE), the write-off (negative
        // quantity, not a C invoice), the bad debt (A563185, B) and the C invoices are no orders.
        assertThat(shop.strings("select order_number || ' ' || status from orders order by order_number")).containsExactly(
                "536365 delivered", "536366 delivered", "536367 delivered", "536368 delivered", "536371 refunded",
                "536372 refunded");
        assertThat(shop.number("select count(*) from order_items")).isEqualTo(9);
        // gross: A 6 x 2.55 + 6 x 3.39 = 35.64, B 6 x 1.85 = 11.10, C 32 x 1.69 + 6 x 2.10 = 66.68,
        // D 6 x 4.25 + 3 x 0 = 25.50, E 4 x 2.65 = 10.60, F 6 x 3.39 = 20.34: 169.86
        assertThat(shop.decimal("select sum(gross_sales) from order_sales")).isEqualByComparingTo("169.86");
        assertThat(shop.decimal("select sum(discounts) from order_sales")).as("B's D line").isEqualByComparingTo("2.00");
        assertThat(shop.decimal("select sum(shipping) from order_sales")).as("A's POST line").isEqualByComparingTo("18.00");
        // E is cancelled in full by C536379 (85123A x 4, 13047's only earlier order holding it); F by C536384
        // (71053 x 6: 17850's latest earlier order holding it is F, not A): returns 10.60 + 20.34. C536380 takes
        // 2 of B's 6 hand warmers back: a partial refund of 2/6 of B's net sales (11.10 - its 2.00 discount),
        // 3.03, on its day (the file's price aside)
        assertThat(shop.strings("select o.order_number || ' ' || r.returned_at || ' ' || r.net_sales from order_returns r"
                + " join orders o using (order_id) order by 1")).containsExactly(
                "536366 2010-12-03 10:00:00+00 3.03", "536371 2010-12-03 09:41:00+00 10.60",
                "536372 2010-12-03 12:00:00+00 20.34");
        assertThat(shop.strings("select quantity || ' ' || net_sales from order_line_returns r join orders o using (order_id)"
                + " where o.order_number = '536366'")).containsExactly("2 3.03");
        // net sales: 169.86 - 2.00 - 33.97
        assertThat(shop.decimal("select sum(net_sales) from order_sales") .subtract(shop.decimal(
                "select sum(net_sales) from order_returns"))).isEqualByComparingTo("133.89");

        // The other cancellations: C536380 takes 2 of B's 6 hand warmers (partial), C536381 a product 17850 never
        // ordered, C536390 a guest's (no order to attach it to).
        assertThat(shop.strings("select invoice || ' ' || coalesce(o.order_number, '-') || ' ' || outcome || ' ' || amount"
                + " from imports.cancellations c left join orders o using (order_id) order by invoice")).containsExactly(
                "C536379 536371 order_refunded 10.60", "C536380 536366 partial 3.70",
                "C536381 - no_order 19.80", "C536384 536372 order_refunded 20.34", "C536390 - no_order 4.25");
        // Adjustments: M 5.00, AMAZONFEE 13.58, a D line on a C invoice -27.50, the write-off 0, bad debt -11062.06
        assertThat(shop.number("select count(*) from imports.adjustments")).isEqualTo(5);
        assertThat(shop.decimal("select sum(amount) from imports.adjustments")).isEqualByComparingTo("-11070.98");

        // Customers: three with an id (14527 only on an adjustment) and the guests' one; 13047's country is its
        // latest line's; the guest order belongs to the guest customer.
        assertThat(shop.strings("select coalesce(external_id, email) from customers order by customer_id"))
                .containsExactlyInAnyOrder("17850", "13047", "14527", "guest@import.invalid");
        assertThat(shop.strings("select c.external_id || ' ' || a.country from addresses a join customers c using (customer_id)"
                + " order by 1")).containsExactly("13047 FR", "14527 GB", "17850 GB");
        assertThat(shop.strings("select c.email from orders o join customers c using (customer_id) where order_number = '536368'"))
                .containsExactly("guest@import.invalid");
        // Products: the codes sold or taken back, named by their latest line (85123A's description changed).
        assertThat(shop.number("select count(*) from products")).isEqualTo(8);
        assertThat(shop.strings("select name || ' ' || list_price from products where sku = '85123A'"))
                .containsExactly("CREAM HANGING HEART T-LIGHT HOLDER 2.65");
        assertThat(shop.strings("select name from products where sku = '22745'")).containsExactly("POPPY'S PLAYHOUSE, BEDROOM");

        assertThat(run.out()).contains("imported 6 orders (1 of guests) with 9 lines", "new customers 4, new products 8",
                "gross sales 169.86, discounts 2.00, shipping 18.00", "2 orders cancelled in full, refunded: 30.94",
                "returned as partial refunds: 1 lines, 3.70 at the file's prices", "(not in returns): 2 lines, 24.05", "5 lines, -11,070.98");
        assertThat(run.err()).contains("import: applying 21 lines", "import: rollups: their indexes built in");
        // the rollups' rebuild says each family as it is done, in the order one rebuild runs them
        List<String> families = shop.strings("select rollup_families('rebuild')");
        // each family after those whose rollups it reads
        assertThat(families).hasSizeGreaterThan(10).containsSubsequence("funnel", "funnel_days", "funnel_traffic")
                .containsSubsequence("order_drill", "order_facets").containsSubsequence("product_sales", "product_windows");
        Matcher rebuilt = Pattern.compile("import: rollups: (\\w+) rebuilt in \\d+\\.\\d s \\((\\d+) of (\\d+)\\)")
                .matcher(run.err());
        List<String> said = new ArrayList<>();
        while (rebuilt.find()) {
            assertThat(rebuilt.group(2)).isEqualTo(String.valueOf(said.size() + 1));
            assertThat(rebuilt.group(3)).isEqualTo(String.valueOf(families.size()));
            said.add(rebuilt.group(1));
        }
        assertThat(said).isEqualTo(families);
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2010, 12, 3, 10, 30, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2010, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void importing_the_same_file_again_changes_nothing() {
        assertThat(shop.run("import", "orders", QUIRKS.toString()).exitCode()).isZero();
        String before = shop.strings(SNAPSHOT).get(0);

        ImportedShop.Run again = shop.run("import", "orders", QUIRKS.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("16 of 16 invoices were imported before: skipped", "imported 0 orders");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);
    }

    @Test
    void a_later_export_adds_its_new_orders_and_applies_its_cancellations() {
        assertThat(shop.run("import", "orders", QUIRKS.toString()).exitCode()).isZero();

        ImportedShop.Run later = shop.run("import", "orders", LATER.toString());
        assertThat(later.exitCode()).as(later.err()).isZero();
        // New: 536402 (13047, 12 x 0.85 = 10.20), and C536401 taking B's 4 other hand warmers: with C536380's 2,
        // all 6 of B's only line are back, so B is refunded at the later cancellation; its net sales 11.10 - 2.00,
        // less C536380's partial refund, taken back then: 3.03 on 3 December, 9.10 - 3.03 on 6 December.
        assertThat(later.out()).contains("16 of 18 invoices were imported before", "imported 1 orders",
                "gross sales 10.20", "1 orders cancelled in full, refunded: 9.10");
        assertThat(shop.strings("select o.order_number || ' ' || r.returned_at || ' ' || r.net_sales from order_returns r"
                + " join orders o using (order_id) where o.order_number = '536366' order by r.returned_at, r.status"))
                .containsExactly("536366 2010-12-03 10:00:00+00 3.03", "536366 2010-12-06 09:00:00+00 9.10",
                        "536366 2010-12-06 09:00:00+00 -3.03");
        assertThat(shop.strings("select string_agg(outcome, ',' order by invoice) from imports.cancellations"
                + " where invoice in ('C536380', 'C536401')")).containsExactly("order_refunded,order_refunded");
        assertThat(shop.decimal("select sum(net_sales) from order_returns")).isEqualByComparingTo("40.04");
        assertThat(shop.number("select count(*) from orders")).isEqualTo(7);
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2010, 12, 6, 9, 30, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2011, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void a_later_export_big_against_the_shop_has_the_rollups_rebuilt_after_its_rows() throws Exception {
        // a synthetic history (the bench's file), split at an invoice into a first file and a later export
        // of at least REBUILD_LINES lines, more than a fiftieth of the first's
        Path history = dir.resolve("history.csv");
        RetailLinesFile.write(history, 30_000, 42);
        List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        int split = 18_000;
        while (invoice(lines.get(split)).equals(invoice(lines.get(split - 1)))) {
            split++;
        }
        Path first = dir.resolve("first.csv");
        Path later = dir.resolve("later.csv");
        Files.write(first, lines.subList(0, split), StandardCharsets.UTF_8);
        List<String> laterLines = new ArrayList<>(List.of(lines.get(0)));
        laterLines.addAll(lines.subList(split, lines.size()));
        Files.write(later, laterLines, StandardCharsets.UTF_8);
        assertThat(laterLines.size() - 1L).isGreaterThanOrEqualTo(OrderImport.REBUILD_LINES);

        assertThat(shop.run("import", "orders", first.toString()).exitCode()).isZero();
        ImportedShop.Run takenIn = shop.run("import", "orders", later.toString());
        assertThat(takenIn.exitCode()).as(takenIn.err()).isZero();
        assertThat(takenIn.err()).contains("the rollups are rebuilt after them, not kept line by line",
                "rollups: rebuilding them, family by family");
        assertThat(shop.number("select count(*) from pg_trigger where tgname like '%\\_rollups\\_%' and tgenabled = 'D'"))
                .as("the rollups' triggers on again for the writes after it").isZero();
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2010, 12, 8, 12, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2011, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    private static String invoice(String csvLine) {
        return csvLine.substring(0, csvLine.indexOf(','));
    }

    @Test
    void cancellations_take_units_line_by_line_each_valued_at_what_is_left() throws Exception {
        // One order of 20001: product 30001 on two lines (3 and 2 units at 1.00), 30002 (1 at 10.00) and a 1.00
        // discount, shared by line total in item order: 0.20, 0.33 - 0.20 = 0.13, 1.00 - 0.33 = 0.67, so the
        // lines' net sales are 2.80, 1.87 and 9.33. Then 30001 comes back 2 units, 2 units, 5 units, 1 unit.
        Path first = Files.write(dir.resolve("first.csv"), List.of(HEADER,
                "600001,30001,MUG,3,12/1/10 10:00,1.00,20001,United Kingdom",
                "600001,30001,MUG,2,12/1/10 10:00,1.00,20001,United Kingdom",
                "600001,30002,TEAPOT,1,12/1/10 10:00,10.00,20001,United Kingdom",
                "600001,D,Discount,1,12/1/10 10:00,1.00,20001,United Kingdom",
                "C600002,30001,MUG,-2,12/2/10 10:00,1.00,20001,United Kingdom",
                "C600003,30001,MUG,-2,12/3/10 10:00,1.00,20001,United Kingdom"), StandardCharsets.UTF_8);
        Path later = Files.write(dir.resolve("later.csv"), List.of(HEADER,
                "C600004,30001,MUG,-5,12/4/10 10:00,1.00,20001,United Kingdom",
                "C600005,30001,MUG,-1,12/5/10 10:00,1.00,20001,United Kingdom"), StandardCharsets.UTF_8);
        String refunds = "select concat_ws(' ', refunded_at::date, i.quantity, r.quantity, r.net_sales) from order_refunds r"
                + " join order_items i using (item_id) order by r.refunded_at, r.item_id";

        ImportedShop.Run run = shop.run("import", "orders", first.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        // C600002: 2 of the first line's 3 units, 2.80 x 2 / 3 = 1.87 (1.8667), leaving 1 unit and 0.93.
        // C600003: that unit, 0.93, then 1 of the second line's 2, 1.87 x 1 / 2 = 0.94 (0.935), in one refund.
        assertThat(shop.strings(refunds)).containsExactly("2010-12-02 3 2 1.87", "2010-12-03 3 1 0.93",
                "2010-12-03 2 1 0.94");
        assertThat(shop.number("select count(distinct refund_id) from order_refunds")).isEqualTo(2);

        ImportedShop.Run second = shop.run("import", "orders", later.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        // C600004 asks 5 and finds 1 unit left, 0.93 (1.87 - 0.94); C600005 finds none. The teapot is not
        // back, so the order stays delivered: 1.87 + 0.93 + 0.94 + 0.93 = 4.67 = 2.80 + 1.87 returned.
        assertThat(shop.strings(refunds)).containsExactly("2010-12-02 3 2 1.87", "2010-12-03 3 1 0.93",
                "2010-12-03 2 1 0.94", "2010-12-04 2 1 0.93");
        assertThat(shop.strings("select status from orders")).containsExactly("delivered");
        assertThat(shop.strings("select invoice || ' ' || outcome from imports.cancellations order by invoice"))
                .containsExactly("C600002 partial", "C600003 partial", "C600004 partial", "C600005 partial");
        assertThat(shop.decimal("select sum(net_sales) from order_returns")).isEqualByComparingTo("4.67");
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2010, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2010, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void a_dry_run_changes_nothing_and_says_what_it_would_import() {
        String before = shop.strings(SNAPSHOT).get(0);
        ImportedShop.Run dry = shop.run("import", "orders", QUIRKS.toString(), "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run, nothing changed", "would import 6 orders (1 of guests) with 9 lines");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);
        assertThat(shop.number("select count(*) from imports.runs")).isZero();
    }

    @Test
    void the_second_edition_names_iso_dates_and_prices_with_vat_are_read() throws Exception {
        // as Excel saves a UTF-8 CSV: a byte order mark first
        Path withBom = Files.writeString(dir.resolve("online_retail_ii.csv"), "\ufeff" + Files.readString(SECOND_EDITION));
        ImportedShop.Run run = shop.run("import", "orders", withBom.toString(), "--vat-rate", "20", "--prices-include-vat",
                "--currency", "eur");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // 6.95 / 1.2 = 5.79 and 6.75 / 1.2 = 5.63 (to the penny): 12 x 5.79 + 12 x 5.63 = 137.04; VAT 20 %: 27.41
        assertThat(shop.strings("select concat_ws(' ', order_number, subtotal, tax_amount, total_amount, currency, created_at)"
                + " from orders")).containsExactly("489434 137.04 27.41 164.45 EUR 2009-12-01 07:45:00+00");
        assertThat(shop.strings("select unit_price::text from order_items order by item_id")).containsExactly("5.79", "5.63");
        assertThat(shop.strings("select external_id from customers")).containsExactly("13085");
    }

    @Test
    void one_bad_line_in_a_thousand_refuses_the_file_and_skip_bad_imports_the_others() throws Exception {
        Path file = dir.resolve("thousand.csv");
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (int i = 0; i < 1000; i++) {
            // 100 invoices of 10 lines, 20 customers, 25 products: baskets repeat, so every report has rows
            int invoice = i / 10;
            String quantity = i == 499 ? "lots" : Integer.toString(1 + i % 4);
            lines.add(String.join(",", Integer.toString(540000 + invoice), "P" + (i * 7 % 25),
                    "Product " + (i * 7 % 25), quantity, "2011-0" + (1 + invoice % 9) + "-1" + (invoice % 10) + " 10:00",
                    "1." + (i % 10) + "5", Integer.toString(12000 + invoice % 20), "United Kingdom"));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        String before = shop.strings(SNAPSHOT).get(0);

        ImportedShop.Run refused = shop.run("import", "orders", file.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains(file + ": 1 bad line, nothing was imported",
                file + ": line 501, column Quantity, value 'lots': not a whole number", "--skip-bad");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);

        Path rejects = dir.resolve("rejects.csv");
        ImportedShop.Run skipped = shop.run("import", "orders", file.toString(), "--skip-bad", rejects.toString());
        assertThat(skipped.exitCode()).as(skipped.err()).isZero();
        assertThat(skipped.out()).contains("1,000 lines", "1 bad lines skipped", "imported 100 orders", "with 999 lines");
        assertThat(shop.number("select count(*) from order_items")).isEqualTo(999);
        List<String> rejected = Files.readAllLines(rejects);
        assertThat(rejected).hasSize(2);
        assertThat(rejected.get(0)).isEqualTo("line,column,value,reason," + HEADER);
        assertThat(rejected.get(1)).startsWith("501,Quantity,lots,").contains("not a whole number", "540049", "P18");
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2011, 5, 20, 0, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2011, 10, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void bad_files_are_refused_by_name_and_nothing_changes() throws Exception {
        String before = shop.strings(SNAPSHOT).get(0);
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path headerOnly = Files.writeString(dir.resolve("header.csv"), HEADER + "\n");
        Path binary = Files.write(dir.resolve("orders.xlsx"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0});
        Path future = Files.writeString(dir.resolve("future.csv"), HEADER + "\n1,P1,x,1,2999-01-01 10:00,1.00,1,France\n");
        Path huge = Files.writeString(dir.resolve("huge.csv"), HEADER + "\n1,P1,x,1000000000,2011-01-01 10:00,1.00,1,France\n");
        // memory stays bounded whatever the file: a file with no line breaks is one endless record, a quote
        // never closed one endless field; both are refused at the bound, not read whole into memory
        Path noBreaks = Files.writeString(dir.resolve("no-breaks.csv"), HEADER + ",x".repeat(2_000));
        Path unclosed = Files.writeString(dir.resolve("unclosed.csv"), HEADER + "\n1,\"P1" + "x".repeat(300_000)
                + "\n2,P2,y,1,2011-01-01 10:00,1.00,1,France\n");
        Path latin1 = Files.write(dir.resolve("latin1.csv"), (HEADER + "\n1,P1,caf\u00e9,1,2011-01-01 10:00,1.00,1,France\n")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThat(shop.run("import", "orders", NOT_ORDERS.toString()).err()).contains(NOT_ORDERS.toString(),
                "missing columns InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country",
                "unexpected columns 'order_id', 'sku', 'qty', 'when'", "Formats accepted: lines", "Nothing was imported");
        assertThat(shop.run("import", "orders", QUIRKS.toString(), "--format", "xlsx").err())
                .contains("--format", "xlsx", "lines");
        assertThat(shop.run("import", "orders", empty.toString()).err()).contains(empty + " is empty", "Nothing was imported");
        assertThat(shop.run("import", "orders", headerOnly.toString()).err()).contains("a header and no lines");
        assertThat(shop.run("import", "orders", binary.toString()).err()).contains("is not a CSV text file");
        assertThat(shop.run("import", "orders", future.toString()).err()).contains(
                "line 2, column InvoiceDate, value '2999-01-01 10:00': in the future");
        assertThat(shop.run("import", "orders", huge.toString()).err()).contains(
                "line 2, column Quantity, value '1000000000': beyond the 1,000,000 units");
        assertThat(shop.run("import", "orders", latin1.toString()).err()).contains("not UTF-8 text", "--encoding windows-1252");
        assertThat(shop.run("import", "orders", noBreaks.toString()).err()).contains(noBreaks + " line 1: more than 1,000"
                + " fields in one record", "Nothing was imported");
        assertThat(shop.run("import", "orders", unclosed.toString()).err()).contains(unclosed + " near line 2: a field"
                + " longer than 100,000 characters", "never closed", "Nothing was imported");
        assertThat(shop.run("import", "orders", dir.resolve("missing.csv").toString()).err()).contains("no such file");
        assertThat(shop.run("import", "orders", QUIRKS.toString(), "--prices-include-vat").err()).contains("--vat-rate");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);

        // The same Latin-1 file, with its encoding given, imports.
        ImportedShop.Run latin = shop.run("import", "orders", latin1.toString(), "--encoding", "ISO-8859-1");
        assertThat(latin.exitCode()).as(latin.err()).isZero();
        assertThat(shop.strings("select name from products")).containsExactly("caf\u00e9");
    }

    @Test
    void a_generated_shop_is_refused_unless_replace() {
        // A shop with orders and their rollups, marked as generated: --replace must leave none of its rows behind.
        assertThat(shop.run("import", "orders", QUIRKS.toString()).exitCode()).isZero();
        shop.execute("insert into generator.runs (scale, seed, as_of, threads, status) values (0.01, 42, now(), 2, 'complete')");
        shop.execute("insert into customers (email) values ('generated@example.com')");
        String before = shop.strings(SNAPSHOT).get(0);

        ImportedShop.Run refused = shop.run("import", "orders", QUIRKS.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("holds a generated shop", "--replace", "nothing was changed");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);

        // The later export in its place: each report as its own rows say, nothing left of the shop before.
        ImportedShop.Run replaced = shop.run("import", "orders", LATER.toString(), "--replace");
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(shop.number("select count(*) from customers where email = 'generated@example.com'")).isZero();
        assertThat(shop.number("select count(*) from orders")).isEqualTo(7);
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2010, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2010, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC));
        // The generated shop is gone: an export goes in without --replace (the earlier one: nothing new).
        assertThat(shop.run("import", "orders", QUIRKS.toString()).exitCode()).isZero();
        assertThat(shop.number("select count(*) from orders")).isEqualTo(7);
    }
}
