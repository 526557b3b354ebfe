package shopflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import shopflow.bench.ReportBench.Run;

/** The order in which bench reports runs a report and its reference. */
class ReportBenchTest {

    @Test
    void every_timed_run_of_a_report_follows_a_run_of_the_same_report() {
        for (int referenceRuns : new int[] {0, 1, 3, 30, 40}) {
            List<Run> schedule = ReportBench.schedule(30, referenceRuns);
            assertThat(Collections.frequency(schedule, Run.TIMED)).isEqualTo(30);
            assertThat(Collections.frequency(schedule, Run.REFERENCE_TIMED)).isEqualTo(referenceRuns);
            for (int i = 0; i < schedule.size(); i++) {
                if (schedule.get(i) == Run.TIMED) {
                    assertThat(schedule.get(i - 1)).as("run before timed run %d, %d reference runs", i, referenceRuns)
                            .isIn(Run.WARM_UP, Run.TIMED);
                }
            }
        }
    }

    @Test
    void timed_runs_of_the_report_and_of_its_reference_alternate() {
        assertThat(ReportBench.schedule(3, 2)).containsExactly(Run.REFERENCE_WARM_UP, Run.WARM_UP, Run.WARM_UP,
                Run.TIMED, Run.REFERENCE_TIMED, Run.WARM_UP, Run.TIMED, Run.REFERENCE_TIMED, Run.WARM_UP, Run.TIMED);
    }

    @Test
    void without_reference_runs_the_reference_is_not_run_at_all() {
        assertThat(ReportBench.schedule(3, 0)).containsExactly(Run.WARM_UP, Run.WARM_UP, Run.TIMED, Run.TIMED,
                Run.TIMED);
    }
}
