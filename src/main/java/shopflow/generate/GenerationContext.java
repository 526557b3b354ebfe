package shopflow.generate;

/** Everything a chunk needs to know about the whole data set; read-only, shared by the workers. */
record GenerationContext(long seed, Sizes sizes, DemandCalendar calendar, Catalog catalog, StockLevels stock,
        CouponBook coupons, CustomerPlan plan) {

    /** The shop keeps raw clickstream (page views, cart events) for this many days, like most shops. */
    static final int CLICKSTREAM_DAYS = 90;
    /**
     * The stock ledger (stock_movements) starts this many days before as_of: orders shipped earlier
     * have no movements. Enough for any low_stock velocity window up to 90 days, and a fraction of
     * two years' rows.
     */
    static final int LEDGER_DAYS = 90;

    long clickstreamStart() {
        return calendar.end() - CLICKSTREAM_DAYS * 86_400L;
    }

    long ledgerStart() {
        return calendar.end() - LEDGER_DAYS * 86_400L;
    }
}
