package shopflow.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import orders --format shopify} on a small hand-written Shopify orders export
 * (src/test/resources/import/shopify_orders.csv, 40 of the export's columns, 8 rows, 6 orders) and
 * a later export of the same shop, each figure worked out by hand below, on a fresh database per test.
 * All times are UTC, which is London's time in November.
 */
class ImportShopifyTest {

    private static final Path EXPORT = Path.of("src/test/resources/import/shopify_orders.csv");
    private static final Path LATER = Path.of("src/test/resources/import/shopify_orders_later.csv");

    private static final String SNAPSHOT = """
            select concat_ws(' | ',
              (select string_agg(concat_ws(',', order_id, customer_id, order_number, status, subtotal, discount_amount,
                      shipping_cost, tax_amount, total_amount, currency, created_at, updated_at), ';' order by order_id) from orders),
              (select string_agg(concat_ws(',', item_id, order_id, product_id, quantity, unit_price, line_total), ';' order by item_id) from order_items),
              (select string_agg(concat_ws(',', customer_id, email, external_id, signup_date), ';' order by customer_id) from customers),
              (select string_agg(concat_ws(',', address_id, customer_id, country, city), ';' order by address_id) from addresses),
              (select string_agg(concat_ws(',', product_id, sku, name, list_price, category_id), ';' order by product_id) from products),
              (select string_agg(concat_ws(',', category_id, name, slug), ';' order by category_id) from categories),
              (select string_agg(concat_ws(',', coupon_id, code, discount_value, times_used), ';' order by coupon_id) from coupons),
              (select string_agg(concat_ws(',', change_id, order_id, from_status, to_status, changed_at), ';' order by change_id) from order_status_changes),
              (select string_agg(concat_ws(',', refund_id, order_id, amount, refunded_at, outcome), ';' order by refund_id) from imports.refunds),
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
    void every_order_lands_with_its_statuses_discounts_and_refunds() {
        String rollupIndexes = "select string_agg(pg_get_indexdef(i.indexrelid), ';' order by i.indexrelid::regclass::text)"
                + " from pg_index i join pg_class t on t.oid = i.indrelid where t.relnamespace = 'rollups'::regnamespace";
        String indexesBefore = shop.strings(rollupIndexes).get(0);
        ImportedShop.Run run = shop.run("import", "orders", EXPORT.toString(), "--format", "shopify");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // into an empty shop the rollups are rebuilt without their secondary indexes, built again before the commit
        assertThat(shop.strings(rollupIndexes).get(0)).isEqualTo(indexesBefore);

        // #1001 paid and fulfilled; #1002 paid (a guest); #1003 fulfilled, part refunded; #1004 fulfilled then
        // refunded in full; #1005 voided and cancelled before payment; #1006 pending.
        assertThat(shop.strings("select order_number || ' ' || status from orders order by order_number")).containsExactly(
                "#1001 shipped", "#1002 processing", "#1003 shipped", "#1004 refunded", "#1005 cancelled",
                "#1006 pending");
        // Each path from pending, dated by Created at, Paid at, Fulfilled at, Cancelled at; #1004's refund is not
        // dated by the export: it is known at the export's newest moment, #1006's Created at 2026-11-20 18:00.
        assertThat(shop.strings("select o.order_number || ' ' || string_agg(c.to_status || '@' || to_char(c.changed_at at time"
                + " zone 'UTC', 'MM-DD HH24:MI'), ' ' order by c.changed_at, c.change_id) from order_status_changes c"
                + " join orders o using (order_id) group by o.order_number order by 1")).containsExactly(
                "#1001 pending@11-02 10:00 processing@11-02 10:01 shipped@11-03 09:00",
                "#1002 pending@11-05 12:00 processing@11-05 12:00",
                "#1003 pending@11-10 15:30 processing@11-10 15:30 shipped@11-11 08:00",
                "#1004 pending@11-12 09:00 processing@11-12 09:00 shipped@11-13 10:00 refunded@11-20 18:00",
                "#1005 pending@11-14 10:00 cancelled@11-14 11:00",
                "#1006 pending@11-20 18:00");
        // gross: #1001 2 x 10 + 8 = 28, #1002 3 x 10 = 30, #1003 15 + 10 = 25, #1004 2 x 8 = 16, #1005 10, #1006 20
        assertThat(shop.decimal("select sum(gross_sales) from order_sales")).isEqualByComparingTo("129.00");
        // discounts: #1002's code 3.00; #1003's 6.50 = the hat's line discount 1.50 + the code SAVE5's 5.00
        assertThat(shop.strings("select o.order_number || ' ' || s.discounts || ' ' || o.discount_amount from order_sales s"
                + " join orders o using (order_id) where s.discounts > 0 order by 1"))
                .containsExactly("#1002 3.00 3.00", "#1003 6.50 5.00");
        assertThat(shop.decimal("select sum(shipping) from order_sales")).isEqualByComparingTo("15.50");
        assertThat(shop.decimal("select sum(taxes) from order_sales")).isEqualByComparingTo("14.20");
        // returns: #1005 (10.00) when cancelled, #1004 (16.00) when its refund was known, and #1003's partial
        // refund then: 10.00 of its 22.00 total, whose net sales are 18.50 (25.00 - 6.50): 10.00 x 18.50 / 22.00 =
        // 8.41, over its lines in proportion to their net sales (hat 13.50 less 2.87 of the code, tee 10.00 less
        // 2.13): 8.41 x 10.63 / 18.50 = 4.83 and 3.58
        assertThat(shop.strings("select o.order_number || ' ' || r.status || ' ' || r.net_sales from order_returns r"
                + " join orders o using (order_id) order by r.returned_at, o.order_number, r.net_sales")).containsExactly(
                "#1005 cancelled 10.00", "#1003 partial 3.58", "#1003 partial 4.83", "#1004 refunded 16.00");
        assertThat(shop.strings("select p.sku || ' ' || r.net_sales from order_refunds r join products p using (product_id)"
                + " order by p.sku")).containsExactly("HAT-1 4.83", "TEE-1 3.58");
        // #1003's 10.00 of 22.00 refunded is a partial refund as the file says it; #1004's 23.20 its whole return
        assertThat(shop.strings("select order_number || ' ' || amount || ' ' || outcome || ' ' || to_char(refunded_at at time"
                + " zone 'UTC', 'MM-DD HH24:MI') from imports.refunds order by refund_id")).containsExactly(
                "#1003 10.00 partial 11-20 18:00", "#1004 23.20 order_returned 11-20 18:00");

        // Customers: their e-mail (lower case), the guest's shared one; addresses from their latest order naming a
        // country (Tom's #1006 ships to Bath; Sam names none).
        assertThat(shop.strings("select email || ' ' || coalesce(external_id, '-') from customers order by email"))
                .containsExactly("guest@import.invalid -", "jane@example.com jane@example.com",
                        "sam@example.com sam@example.com", "tom@example.com tom@example.com");
        assertThat(shop.strings("select c.email || ' ' || a.country || ' ' || a.city from addresses a join customers c"
                + " using (customer_id) order by 1")).containsExactly("jane@example.com GB York", "tom@example.com GB Bath");
        assertThat(shop.strings("select c.email from orders o join customers c using (customer_id) where order_number = '#1002'"))
                .containsExactly("guest@import.invalid");
        // Products: the SKU, else the line item's name; named by their latest row; vendors as categories.
        assertThat(shop.strings("select p.sku || ' ' || p.name || ' ' || p.list_price || ' ' || coalesce(c.name, '-')"
                + " from products p left join categories c using (category_id) order by p.sku")).containsExactly(
                "HAT-1 Hat 15.00 Acme", "MUG-1 Mug 8.00 Potters", "TEE-1 Tee - Blue / M 10.00 Acme",
                "Wool Scarf, grey Wool Scarf, grey 20.00 -");
        // Coupons: each code, the amount it took, and its orders.
        assertThat(shop.strings("select c.code || ' ' || c.discount_type || ' ' || c.discount_value || ' ' || c.times_used"
                + " || ' ' || oc.discount_applied from coupons c join order_coupons oc using (coupon_id) order by 1"))
                .containsExactly("SAVE5 fixed 5.00 1 5.00", "WELCOME10 fixed 3.00 1 3.00");

        assertThat(run.out()).contains("imported 6 orders (1 of guests) with 8 lines",
                "new customers 4, new products 4, new categories 2, new coupons 2",
                "gross sales 129.00, discounts 9.50, shipping 15.50, taxes 14.20",
                "2 orders cancelled or refunded whole: 26.00", "partial refunds: 1 orders, 8.41 of net sales returned");
        // The year (November) as of its end: 6 orders, net 129.00 - 9.50 - (26.00 + 8.41); shipping 15.50 less
        // #1004's 4.00 and #1005's 4.00; taxes 14.20 less #1004's 3.20 (a partial refund takes neither back)
        assertThat(november()).containsExactly("6 129.00 9.50 34.41 85.09 7.50 11.00");
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2026, 11, 14, 10, 30, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 11, 30, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void a_later_export_moves_orders_along_adds_new_ones_and_its_refunds() {
        assertThat(shop.run("import", "orders", EXPORT.toString(), "--format", "shopify").exitCode()).isZero();

        ImportedShop.Run later = shop.run("import", "orders", LATER.toString(), "--format", "shopify");
        assertThat(later.exitCode()).as(later.err()).isZero();
        // #1006 is now paid and fulfilled; #1003 refunded in full (22.00, 12.00 more than before) and returned
        // when that is known: the later export's newest moment, #1007's Created at 2026-11-25 14:00; #1007 is new.
        assertThat(later.out()).contains("6 of 7 orders were imported before: 2 of them moved further along",
                "imported 1 orders (0 of guests) with 1 lines", "gross sales 30.00",
                "1 orders cancelled or refunded whole: 18.50");
        assertThat(shop.strings("select o.order_number || ' ' || string_agg(c.to_status || '@' || to_char(c.changed_at at time"
                + " zone 'UTC', 'MM-DD HH24:MI'), ' ' order by c.changed_at, c.change_id) from order_status_changes c"
                + " join orders o using (order_id) where o.order_number in ('#1003', '#1006', '#1007')"
                + " group by o.order_number order by 1")).containsExactly(
                "#1003 pending@11-10 15:30 processing@11-10 15:30 shipped@11-11 08:00 refunded@11-25 14:00",
                "#1006 pending@11-20 18:00 processing@11-21 09:00 shipped@11-22 10:00",
                "#1007 pending@11-25 14:00 processing@11-25 14:00");
        assertThat(shop.strings("select order_number || ' ' || amount || ' ' || outcome from imports.refunds order by refund_id"))
                .containsExactly("#1003 10.00 partial", "#1004 23.20 order_returned", "#1003 12.00 order_returned");
        // #1003 returned whole: 18.50, with its partial refund (8.41) taken back at the same moment
        assertThat(shop.strings("select r.status || ' ' || r.net_sales from order_returns r join orders o using (order_id)"
                + " where o.order_number = '#1003' order by r.returned_at, r.status, r.net_sales"))
                .containsExactly("partial 3.58", "partial 4.83", "refunded 18.50", "taken_back -4.83", "taken_back -3.58");
        // November: 7 orders, gross 159.00, returns 26.00 + #1003's 18.50; shipping now less #1003's 3.50 too
        assertThat(november()).containsExactly("7 159.00 9.50 44.50 105.00 4.00 11.00");
        assertThat(shop.number("select count(*) from orders_off_history")).isZero();
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2026, 11, 21, 0, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 11, 30, 0, 0, 0, 0, ZoneOffset.UTC));

        // and that export again changes nothing
        String before = shop.strings(SNAPSHOT).get(0);
        ImportedShop.Run again = shop.run("import", "orders", LATER.toString(), "--format", "shopify");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("7 of 7 orders were imported before: 0 of them moved", "imported 0 orders");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);
    }

    @Test
    void an_order_edited_since_its_first_import_keeps_its_lines_and_is_named() throws Exception {
        assertThat(shop.run("import", "orders", EXPORT.toString(), "--format", "shopify").exitCode()).isZero();
        String items = "select string_agg(p.sku || ' x' || i.quantity || ' = ' || i.line_total, ', ' order by i.item_id)"
                + " from order_items i join products p using (product_id) join orders o using (order_id)"
                + " where o.order_number = '#1001'";
        assertThat(shop.strings(items)).containsExactly("TEE-1 x2 = 20.00, MUG-1 x1 = 8.00");
        // the same export again: nothing edited
        assertThat(shop.run("import", "orders", EXPORT.toString(), "--format", "shopify").out())
                .doesNotContain("order edit");

        // a later export where #1001 was edited in Shopify: 3 tees instead of 2, and a cap added
        List<String> rows = new ArrayList<>(Files.readAllLines(EXPORT));
        rows.set(1, rows.get(1).replace(",2,Tee - Blue / M,", ",3,Tee - Blue / M,"));
        rows.add(3, "#1001,,,,,,,,,,,,,,,2026-11-02 10:00:00 +0000,1,Cap,5.00,,CAP-1,,,,,,,,,,,,,,,Acme,,,,0.00");
        Path edited = Files.write(dir.resolve("edited.csv"), rows, StandardCharsets.UTF_8);
        // everything but the products (the export's products are brought up to date: the cap is new)
        String withoutProducts = SNAPSHOT.replace("(select string_agg(concat_ws(',', product_id, sku, name, list_price,"
                + " category_id), ';' order by product_id) from products),", "");
        assertThat(withoutProducts).isNotEqualTo(SNAPSHOT);
        String before = shop.strings(withoutProducts).get(0);
        ImportedShop.Run run = shop.run("import", "orders", edited.toString(), "--format", "shopify");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("6 of 6 orders were imported before",
                "1 of them show line items changed since (an order edit), kept as first imported: #1001",
                "imported 0 orders");
        // the order's lines, its sales, statuses, refunds and the rollups as they were
        assertThat(shop.strings(items)).containsExactly("TEE-1 x2 = 20.00, MUG-1 x1 = 8.00");
        assertThat(shop.strings(withoutProducts).get(0)).isEqualTo(before);
    }

    @Test
    void bad_exports_are_refused_with_what_is_wrong_and_nothing_changes() throws Exception {
        String before = shop.strings(SNAPSHOT).get(0);
        List<String> rows = new ArrayList<>(Files.readAllLines(EXPORT));
        rows.set(2, rows.get(2).replace(",1,Mug,", ",1000000000,Mug,"));
        Path huge = Files.write(dir.resolve("huge.csv"), rows, StandardCharsets.UTF_8);
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path binary = Files.write(dir.resolve("orders_export.xlsx"), new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0});
        Path latin1 = Files.write(dir.resolve("latin1.csv"), String.join("\n", Files.readAllLines(EXPORT))
                .replace("Wool Scarf, grey", "Wool Scarf, gr\u00e9y").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(shop.run("import", "orders", huge.toString(), "--format", "shopify").err()).contains(
                "1 bad line, nothing was imported", "line 3, column Lineitem quantity, value '1000000000': beyond the"
                        + " 1,000,000 units");
        assertThat(shop.run("import", "orders", empty.toString(), "--format", "shopify").err())
                .contains(empty + " is empty", "Nothing was imported");
        assertThat(shop.run("import", "orders", binary.toString(), "--format", "shopify").err())
                .contains("is not a CSV text file");
        assertThat(shop.run("import", "orders", latin1.toString(), "--format", "shopify").err())
                .contains(latin1 + " near line", "bytes that are not UTF-8 text", "--encoding windows-1252");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);
    }

    @Test
    void a_product_type_column_makes_categories_under_their_vendor() throws Exception {
        // some exports (apps, older Shopify exports) carry the line item's product type; a trimmed export may
        // lack the optional columns (Lineitem discount, addresses, Id): it still imports
        Path file = Files.writeString(dir.resolve("typed.csv"), String.join("\n",
                "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Subtotal,Shipping,Taxes,"
                        + "Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
                        + "Lineitem sku,Cancelled at,Refunded Amount,Vendor,Product Type",
                "#2001,ann@example.com,paid,2026-10-01 09:00:00 +0100,,,EUR,40.00,0,0,40.00,,0,"
                        + "2026-10-01 09:00:00 +0100,1,Cap,25.00,CAP-1,,0,Acme,Hats",
                "#2001,,,,,,,,,,,,,,1,Beanie,15.00,BEA-1,,,Acme,Hats",
                "#2002,ann@example.com,paid,2026-10-02 09:00:00 +0100,,,EUR,12.00,0,0,12.00,,0,"
                        + "2026-10-02 09:00:00 +0100,1,Sock,12.00,SOCK-1,,0,,Socks", ""));
        ImportedShop.Run run = shop.run("import", "orders", file.toString(), "--format", "shopify");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(shop.strings("select c.name || ' < ' || coalesce(parent.name, '-') from categories c"
                + " left join categories parent on parent.category_id = c.parent_id order by c.category_id"))
                .containsExactly("Acme < -", "Hats < Acme", "Socks < -");
        assertThat(shop.strings("select p.sku || ' ' || c.name from products p join categories c using (category_id) order by 1"))
                .containsExactly("BEA-1 Hats", "CAP-1 Hats", "SOCK-1 Socks");
        // the order's currency is the file's; a time with an offset is that moment
        assertThat(shop.strings("select order_number || ' ' || currency || ' ' || status || ' ' || to_char(created_at at time"
                + " zone 'UTC', 'YYYY-MM-DD HH24:MI') from orders order by 1")).containsExactly(
                "#2001 EUR processing 2026-10-01 08:00", "#2002 EUR processing 2026-10-02 08:00");
        shop.assertEveryReportEqualsItsReference(OffsetDateTime.of(2026, 10, 31, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void a_dry_run_changes_nothing() {
        String before = shop.strings(SNAPSHOT).get(0);
        ImportedShop.Run dry = shop.run("import", "orders", EXPORT.toString(), "--format", "shopify", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run, nothing changed", "would import 6 orders (1 of guests) with 8 lines");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);
    }

    @Test
    void bad_rows_are_named_refused_whole_or_skipped() throws Exception {
        List<String> rows = new ArrayList<>(Files.readAllLines(EXPORT));
        // row 4 (#1002's first): a financial status Shopify does not write; row 8: a Created at in the future
        rows.set(3, rows.get(3).replace(",paid,", ",paid-ish,"));
        rows.set(7, rows.get(7).replace("2026-11-14 10:00:00 +0000", "2999-11-14 10:00:00 +0000"));
        Path bad = Files.write(dir.resolve("bad.csv"), rows, StandardCharsets.UTF_8);
        String before = shop.strings(SNAPSHOT).get(0);

        ImportedShop.Run refused = shop.run("import", "orders", bad.toString(), "--format", "shopify");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains(bad + ": 2 bad lines, nothing was imported",
                "line 4, column Financial Status, value 'paid-ish': not a status Shopify writes",
                "line 8, column Created at, value '2999-11-14 10:00:00 +0000': in the future", "--skip-bad");
        assertThat(shop.strings(SNAPSHOT).get(0)).isEqualTo(before);

        Path rejects = dir.resolve("rejects.csv");
        ImportedShop.Run skipped = shop.run("import", "orders", bad.toString(), "--format", "shopify", "--skip-bad", rejects.toString());
        assertThat(skipped.exitCode()).as(skipped.err()).isZero();
        // #1002 and #1005 go with their first rows
        assertThat(skipped.out()).contains("2 bad lines skipped", "imported 4 orders (0 of guests) with 6 lines");
        assertThat(Files.readAllLines(rejects)).hasSize(3);

        // a lines file read as a Shopify export: the missing columns, and the formats
        ImportedShop.Run wrong = shop.run("import", "orders", "src/test/resources/import/online_retail_quirks.csv", "--format", "shopify");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("not that of a 'shopify' orders export", "missing columns Name, Email,",
                "unexpected columns 'InvoiceNo'", "Formats accepted: lines, shopify");
    }

    /**
     * revenue_summary's year to date (the shop's whole history) as of November's end: orders, gross, discounts,
     * returns, net, shipping, taxes.
     */
    private List<String> november() {
        ImportedShop.Run report = shop.run("report", "revenue_summary", "--as-of", "2026-11-30", "--format", "json");
        assertThat(report.exitCode()).as(report.err()).isZero();
        try {
            List<String> rows = new ArrayList<>();
            for (JsonNode row : new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(report.out()).get("rows")) {
                if (row.get("period").asText().equals("year_to_date")) {
                    rows.add(String.join(" ", List.of("orders", "gross_sales", "discounts", "returns", "net_sales",
                            "shipping", "taxes").stream().map(c -> c.equals("orders") ? row.get(c).asText()
                                    : row.get(c).decimalValue().setScale(2).toPlainString()).toList()));
                }
            }
            return rows;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(report.out(), e);
        }
    }
}
