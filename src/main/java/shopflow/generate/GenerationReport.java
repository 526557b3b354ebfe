package shopflow.generate;

import java.util.List;

/** What a run did and how long each part took, for the generate summary and {@code bench generate}. */
public record GenerationReport(List<Phase> phases, List<TableLoad> tables, double totalSeconds, String notice) {

    /** A step of the run and its wall time. */
    public record Phase(String name, double seconds) {
    }

    /**
     * One table's load: rows, and the seconds its COPY stream spent sending them (blocked while the
     * PostgreSQL backend parses and stores them). Tables stream side by side, so these overlap and
     * do not add up to the load phase.
     */
    public record TableLoad(String table, long rows, double seconds) {

        public double rowsPerSecond() {
            return seconds <= 0 ? rows : rows / seconds;
        }
    }

    public long totalRows() {
        return tables.stream().mapToLong(TableLoad::rows).sum();
    }
}
