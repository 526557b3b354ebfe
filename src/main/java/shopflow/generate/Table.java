package shopflow.generate;

import java.util.List;

/**
 * The tables the generator fills, in load order, with the columns it writes. Tables whose ids
 * nothing refers to (status changes, page views, cart events, stock movements) or only the generator's own stock
 * movements (order lines: see {@link StockLedger}) leave the id to their sequence: one
 * COPY stream per table, fed chunk after chunk in order, numbers them the same on every run.
 */
enum Table {
    CATEGORIES("categories", "category_id, name, parent_id, slug", "category_id"),
    PRODUCTS("products", "product_id, sku, name, description, category_id, brand, cost_price, list_price, weight_kg, "
            + "is_active, created_at", "product_id"),
    INVENTORY("inventory", "inventory_id, product_id, warehouse, quantity, reorder_level, last_updated", "inventory_id"),
    COUPONS("coupons", "coupon_id, code, discount_type, discount_value, min_order_value, max_uses, times_used, "
            + "valid_from, valid_until, is_active", "coupon_id"),
    CUSTOMERS("customers", "customer_id, email, first_name, last_name, phone, date_of_birth, gender, signup_date, "
            + "last_login, is_active, tier", "customer_id"),
    ADDRESSES("addresses", "address_id, customer_id, type, street, city, state, country, postcode, is_default",
            "address_id"),
    ORDERS("orders", "order_id, customer_id, order_number, status, payment_method, shipping_address_id, session_id, "
            + "subtotal, discount_amount, shipping_cost, tax_amount, total_amount, currency, notes, created_at, "
            + "updated_at", "order_id"),
    ORDER_ITEMS("order_items", "order_id, product_id, quantity, unit_price, discount_pct, line_total", "item_id"),
    ORDER_COUPONS("order_coupons", "order_id, coupon_id, discount_applied", null),
    ORDER_STATUS_CHANGES("order_status_changes", "order_id, from_status, to_status, changed_at", "change_id"),
    FRAUD_GROUND_TRUTH("generator.fraud_ground_truth", "order_id, pattern", null),
    PAGE_VIEWS("page_views", "session_id, customer_id, page_url, product_id, viewed_at, time_on_page, referrer, "
            + "device_type", "view_id"),
    CART_EVENTS("cart_events", "session_id, customer_id, product_id, action, quantity, event_at", "event_id"),
    STOCK_MOVEMENTS("stock_movements", "product_id, warehouse, order_id, item_id, quantity, reason, moved_at",
            "movement_id"),
    /** Not shop data: the funnel rollup's per-session rows, written with the sessions (see {@link FunnelSessionRow}). */
    ROLLUP_FUNNEL_SESSIONS("rollups.funnel_sessions", "session_id, first_seen_at, product_view_at, add_at, checkout_at, "
            + "order_at, landing_channel, landing_device", null);

    private final String sqlName;
    private final String columns;
    private final String idColumn;

    Table(String sqlName, String columns, String idColumn) {
        this.sqlName = sqlName;
        this.columns = columns;
        this.idColumn = idColumn;
    }

    String sqlName() {
        return sqlName;
    }

    String copyStatement() {
        return copyStatement(sqlName, false);
    }

    /** COPY into {@code target} (this table or one of its shards), the id column first when {@code numbered}. */
    String copyStatement(String target, boolean numbered) {
        return "copy " + target + " (" + (numbered ? idColumn + ", " : "") + columns + ") from stdin with (freeze"
                + (binaryCopy() ? ", format binary)" : ")");
    }

    /** Where {@code column} comes in each row written (-1: not written). */
    int position(String column) {
        return List.of(columns.split(", ")).indexOf(column);
    }

    /** Whether the id is left to the column's sequence (not written by the generator). */
    boolean numberedBySequence() {
        return idColumn != null && position(idColumn) < 0;
    }

    /**
     * The clickstream, most of the rows, and the status history (four rows an order) go in COPY's
     * binary format (see {@link CopyBuffer}): text, numbers and timestamps only.
     */
    boolean binaryCopy() {
        return clickstream() || this == ORDER_STATUS_CHANGES;
    }

    /**
     * Page views, cart events and the funnel's session rows: no rollup rebuild after a load reads
     * them, so their indexes are built while the rollups are (see {@link Generator}).
     */
    boolean clickstream() {
        return this == PAGE_VIEWS || this == CART_EVENTS || this == ROLLUP_FUNNEL_SESSIONS;
    }

    /** The serial id column, whose sequence must continue after the generated ids (null: none). */
    String idColumn() {
        return idColumn;
    }

    /** Tables filled chunk by chunk from the customers; the others come from the catalog. */
    boolean perCustomerChunk() {
        return ordinal() >= CUSTOMERS.ordinal();
    }
}
