package shopflow.reports;

/** Who may read a report: aggregates are for everyone signed in; customer-level rows are personal data. */
public enum Audience {
    /** Totals and rates: no row names a person. */
    AGGREGATE,
    /** One row per customer or order, with personal data (emails, names). */
    CUSTOMER
}
