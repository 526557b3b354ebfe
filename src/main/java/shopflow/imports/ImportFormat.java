package shopflow.imports;

/** The layouts {@code import orders} reads. */
public enum ImportFormat {
    /** One row per order line, as the public "Online Retail" data set of a UK online retailer. */
    lines,
    /** Shopify's orders export: one row per line item, the order's fields on its first row. */
    shopify
}
