package shopflow.bench;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportRunner;

/**
 * Times every report from the rollups and from its reference SQL, in the same run on the same
 * data, each through the same {@link ReportRunner} the CLI and the web use (so the figures
 * include the round trip, as a dashboard sees it). Runs alternate between the two versions so
 * both see the same cache and the same load from other work on the machine.
 */
public final class ReportBench {

    private static final int WARM_UP_RUNS = 2;

    private final ReportCatalog reports;
    private final ReportCatalog references = ReportCatalog.references();
    private final ReportRunner runner;

    /**
     * {@code reports}: the reports as served on this database; on a Citus cluster those are the
     * reference SQL itself, so each is timed once, as a report that has no rollup.
     */
    public ReportBench(DataSource dataSource, ReportCatalog reports) {
        this.reports = reports;
        this.runner = new ReportRunner(dataSource, java.time.Duration.ofMinutes(5));
    }

    /**
     * Times each report {@code runs} times from the rollups and {@code referenceRuns} times from
     * the reference SQL (which takes seconds a run), all with default parameters. With no reference
     * runs the rollups alone are timed, and the reports served from their reference SQL are left out.
     */
    public List<ReportTimings> run(OffsetDateTime asOf, int runs, int referenceRuns, List<String> only,
            Consumer<ReportTimings> progress) {
        List<ReportTimings> all = new ArrayList<>();
        for (Report report : reports.all()) {
            if (!only.isEmpty() && !only.contains(report.name())) {
                continue;
            }
            Report reference = references.get(report.name());
            if (report.sql().equals(reference.sql())) {
                if (referenceRuns == 0) {
                    continue;
                }
                // not rollup-backed yet: one set of runs says how long it takes
                double[] full = new double[referenceRuns];
                runner.run(report, asOf, Map.of());
                for (int i = 0; i < referenceRuns; i++) {
                    full[i] = time(report, asOf);
                }
                ReportTimings timings = new ReportTimings(report.name(), full, full);
                progress.accept(timings);
                all.add(timings);
                continue;
            }
            ReportTimings timings = timings(report.name(), report, reference, Map.of(), asOf, runs, referenceRuns);
            progress.accept(timings);
            all.add(timings);
        }
        return all;
    }

    /**
     * Times each report that takes filters with each of {@code cases} (its filters only), from the
     * rollups and from its reference SQL with the same filters, as {@link #run} does; each timing is
     * named {@code <report> <filters>}.
     */
    public List<ReportTimings> runFilters(OffsetDateTime asOf, int runs, int referenceRuns, List<String> only,
            Map<String, Map<String, String>> cases, Consumer<ReportTimings> progress) {
        List<ReportTimings> all = new ArrayList<>();
        for (Report report : reports.all()) {
            if (report.filters().isEmpty() || (!only.isEmpty() && !only.contains(report.name()))) {
                continue;
            }
            List<String> taken = report.filters().stream().map(f -> f.name()).toList();
            for (Map.Entry<String, Map<String, String>> filters : cases.entrySet()) {
                if (taken.containsAll(filters.getValue().keySet())) {
                    ReportTimings timings = timings(report.name() + " " + filters.getKey(), report,
                            references.get(report.name()), filters.getValue(), asOf, runs, referenceRuns);
                    progress.accept(timings);
                    all.add(timings);
                }
            }
        }
        return all;
    }

    private ReportTimings timings(String label, Report report, Report reference, Map<String, String> parameters,
            OffsetDateTime asOf, int runs, int referenceRuns) {
        double[] rollup = new double[runs];
        double[] full = new double[referenceRuns];
        int timedRollups = 0;
        int timedReferences = 0;
        for (Run run : schedule(runs, referenceRuns)) {
            switch (run) {
                case WARM_UP -> runner.run(report, asOf, parameters);
                case REFERENCE_WARM_UP -> runner.run(reference, asOf, parameters);
                case TIMED -> rollup[timedRollups++] = time(report, asOf, parameters);
                case REFERENCE_TIMED -> full[timedReferences++] = time(reference, asOf, parameters);
            }
        }
        return new ReportTimings(label, rollup, full);
    }

    /** One run of a report, or of its reference. */
    enum Run { WARM_UP, TIMED, REFERENCE_WARM_UP, REFERENCE_TIMED }

    /**
     * The order of the runs of one report: timed runs of the report and of its reference
     * alternate, so both see the same load from other work on the machine; but a reference run
     * reads the raw tables, and a big one (the funnel's reads millions of page views) pushes the
     * rollups' pages out of PostgreSQL's buffers, so the report runs once untimed after each one:
     * a timed run measures the report, not the reference's footprint. (At scale 1 the
     * conversion_funnel run after its reference read 11,166 of its 11,172 pages from outside the
     * buffers, at 3 to 5 times the time of the next run; three such runs in thirty made its p95.)
     */
    static List<Run> schedule(int runs, int referenceRuns) {
        List<Run> schedule = new ArrayList<>();
        if (referenceRuns > 0) {
            schedule.add(Run.REFERENCE_WARM_UP);
        }
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            schedule.add(Run.WARM_UP);
        }
        for (int i = 0; i < Math.max(runs, referenceRuns); i++) {
            if (i < runs) {
                schedule.add(Run.TIMED);
            }
            if (i < referenceRuns) {
                schedule.add(Run.REFERENCE_TIMED);
                schedule.add(Run.WARM_UP);
            }
        }
        return schedule;
    }

    private double time(Report report, OffsetDateTime asOf) {
        return time(report, asOf, Map.of());
    }

    private double time(Report report, OffsetDateTime asOf, Map<String, String> parameters) {
        long start = System.nanoTime();
        runner.run(report, asOf, parameters);
        return (System.nanoTime() - start) / 1e6;
    }
}
