package shopflow.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every report, read from the {@code reports/*.sql} resources: adding a report means adding its
 * file. The CLI, the HTTP API and the dashboard all read this one catalog.
 *
 * <p>Each rollup-backed report also has a reference version under {@code reports/reference/},
 * with the same name, parameters and columns: the full-scan SQL over the raw tables that the
 * report proper (which reads the rollups) must always agree with. {@link #references()} loads those, for
 * {@code shopflow verify}, {@code shopflow bench reports} and the tests; nothing else runs them.
 */
public final class ReportCatalog {

    private static final String FOLDER = "reports";
    private static final String REFERENCE_FOLDER = "reports/reference";
    private static final String DRILL_FOLDER = "drills";

    private final Map<String, Report> reports;

    private ReportCatalog(Map<String, Report> reports) {
        this.reports = reports;
    }

    /** The catalog of the reports packaged with ShopFlow. */
    public static ReportCatalog load() {
        return load(FOLDER);
    }

    /**
     * The reference (full-scan) version of every report, by the same names. A report without a
     * file there is not rollup-backed yet: it is its own reference.
     */
    public static ReportCatalog references() {
        Map<String, Report> references = new TreeMap<>(load().reports);
        references.putAll(load(REFERENCE_FOLDER).reports);
        return new ReportCatalog(references);
    }

    /**
     * The drill-downs ({@code drills/*.sql}): the rows behind a report's figure, a page at a time,
     * each with a {@code <name>_total} beside it that adds them up. Written and run as reports.
     */
    public static ReportCatalog drills() {
        return load(DRILL_FOLDER);
    }

    private static ReportCatalog load(String resourceFolder) {
        Map<String, Report> reports = new TreeMap<>();
        withFolder(resourceFolder, folder -> {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).toList()) {
                    String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
                    reports.put(name, ReportFile.parse(name, Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        });
        return new ReportCatalog(reports);
    }

    /** A catalog of the given reports, e.g. a test's own. */
    public static ReportCatalog of(Collection<Report> reports) {
        Map<String, Report> byName = new TreeMap<>();
        reports.forEach(report -> byName.put(report.name(), report));
        return new ReportCatalog(byName);
    }

    public List<Report> all() {
        return List.copyOf(reports.values());
    }

    public Optional<Report> find(String name) {
        return Optional.ofNullable(reports.get(name));
    }

    /** The report called {@code name}; otherwise an error naming the closest report. */
    public Report get(String name) {
        Report report = reports.get(name);
        if (report != null) {
            return report;
        }
        // A name typed in part ("funnel") means the report that contains it; otherwise the nearest spelling.
        String closest = reports.keySet().stream()
                .filter(candidate -> !name.isBlank() && candidate.contains(name))
                .findFirst()
                .orElseGet(() -> reports.keySet().stream()
                        .min(Comparator.comparingInt(candidate -> nearness(candidate, name)))
                        .orElse(""));
        throw ReportException.unknownReport("unknown report '" + name + "'; did you mean '" + closest
                + "'? ('shopflow report --list' shows them all)");
    }

    private interface FolderAction {
        void accept(Path folder) throws IOException;
    }

    /** Lists the resource folder whether it is a directory (tests, IDE) or inside the jar. */
    private static void withFolder(String resourceFolder, FolderAction action) {
        try {
            URI uri = ReportCatalog.class.getClassLoader().getResource(resourceFolder).toURI();
            if (!"jar".equals(uri.getScheme())) {
                action.accept(Path.of(uri));
                return;
            }
            FileSystem jar;
            boolean opened = false;
            try {
                jar = FileSystems.getFileSystem(uri);
            } catch (FileSystemNotFoundException notOpenYet) {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            }
            try {
                action.accept(jar.getPath(resourceFolder));
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How far {@code typed} is from the report name or from one of its words ("funel" is near "conversion_funnel"). */
    private static int nearness(String candidate, String typed) {
        int nearest = distance(candidate, typed);
        for (String word : candidate.split("_")) {
            nearest = Math.min(nearest, distance(word, typed) + 1);
        }
        return nearest;
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
