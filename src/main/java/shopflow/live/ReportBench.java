package shopflow.live;

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

    private final ReportCatalog reports = ReportCatalog.load();
    private final ReportCatalog references = ReportCatalog.references();
    private final ReportRunner runner;

    public ReportBench(DataSource dataSource) {
        this.runner = new ReportRunner(dataSource, java.time.Duration.ofMinutes(5));
    }

    /**
     * Times each report {@code runs} times from the rollups and {@code referenceRuns} times from
     * the reference SQL (which takes seconds a run), all with default parameters.
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
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                runner.run(report, asOf, Map.of());
            }
            runner.run(reference, asOf, Map.of());
            double[] rollup = new double[runs];
            double[] full = new double[referenceRuns];
            for (int i = 0; i < Math.max(runs, referenceRuns); i++) {
                if (i < runs) {
                    rollup[i] = time(report, asOf);
                }
                if (i < referenceRuns) {
                    full[i] = time(reference, asOf);
                }
            }
            ReportTimings timings = new ReportTimings(report.name(), rollup, full);
            progress.accept(timings);
            all.add(timings);
        }
        return all;
    }

    private double time(Report report, OffsetDateTime asOf) {
        long start = System.nanoTime();
        runner.run(report, asOf, Map.of());
        return (System.nanoTime() - start) / 1e6;
    }
}
