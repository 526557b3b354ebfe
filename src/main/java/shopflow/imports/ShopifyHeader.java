package shopflow.imports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns of a Shopify orders export, found by name in its header ({@link CsvHeader}). The
 * export has some 70 columns; those read here are required, but for the few an older or trimmed
 * export may lack (line discounts, vendor, addresses, ids), which are optional. Any other column is
 * ignored and listed.
 */
final class ShopifyHeader {

    enum Column implements CsvHeader.Column {
        NAME("Name", true),
        EMAIL("Email", true),
        FINANCIAL_STATUS("Financial Status", true),
        PAID_AT("Paid at", true),
        FULFILLMENT_STATUS("Fulfillment Status", true),
        FULFILLED_AT("Fulfilled at", true),
        CURRENCY("Currency", true),
        SUBTOTAL("Subtotal", true),
        SHIPPING("Shipping", true),
        TAXES("Taxes", true),
        TOTAL("Total", true),
        DISCOUNT_CODE("Discount Code", true),
        DISCOUNT_AMOUNT("Discount Amount", true),
        CREATED_AT("Created at", true),
        QUANTITY("Lineitem quantity", true),
        ITEM_NAME("Lineitem name", true),
        PRICE("Lineitem price", true),
        SKU("Lineitem sku", true),
        CANCELLED_AT("Cancelled at", true),
        REFUNDED_AMOUNT("Refunded Amount", true),
        ITEM_DISCOUNT("Lineitem discount", false),
        BILLING_CITY("Billing City", false),
        BILLING_ZIP("Billing Zip", false),
        BILLING_COUNTRY("Billing Country", false),
        SHIPPING_CITY("Shipping City", false),
        SHIPPING_ZIP("Shipping Zip", false),
        SHIPPING_COUNTRY("Shipping Country", false),
        VENDOR("Vendor", false),
        PRODUCT_TYPE("Product Type", false, "lineitemproducttype"),
        ID("Id", false),
        SOURCE("Source", false);

        private final String title;
        private final boolean required;
        private final List<String> names;

        Column(String title, boolean required, String... also) {
            this.title = title;
            this.required = required;
            List<String> n = new ArrayList<>(List.of(also));
            n.add(CsvHeader.normalize(title));
            this.names = List.copyOf(n);
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public boolean required() {
            return required;
        }

        @Override
        public boolean namedBy(String normalized) {
            return names.contains(normalized);
        }
    }

    private ShopifyHeader() {
    }

    /** The header's columns, or a refusal naming the missing and unexpected ones and the formats accepted. */
    static CsvHeader<Column> of(String file, List<String> header) {
        CsvHeader<Column> matched = CsvHeader.match(header, Column.class);
        List<String> missing = matched.missing();
        if (!missing.isEmpty()) {
            // A Shopify export has dozens of columns this import does not read: listing them all as
            // unexpected would hide the missing ones, so only a file that is no Shopify export at all
            // (most columns missing) gets them listed.
            boolean fewFound = missing.size() > Column.values().length / 2;
            List<String> unexpected = matched.ignored();
            throw new ImportException(file + ": the header is not that of a 'shopify' orders export: "
                    + CsvHeader.listed("missing column", missing, false)
                    + (unexpected.isEmpty() || !fewFound ? "" : "; " + CsvHeader.listed("unexpected column", unexpected, true))
                    + ". The 'shopify' format needs " + expected()
                    + " (any case), as Shopify's Orders > Export > CSV writes them. Formats accepted: "
                    + CsvHeader.formats() + " (--format). Nothing was imported.");
        }
        return matched;
    }

    static String expected() {
        return String.join(", ", Arrays.stream(Column.values()).filter(Column::required).map(Column::title).toList());
    }
}
