package shopflow.reports;

/**
 * A column a report returns, as its header declares it.
 *
 * @param unit     what the numbers are in, e.g. {@code GBP}, {@code %}, {@code orders}, {@code date}
 * @param personal whether it identifies a person (masked for viewers)
 */
public record ReportColumn(String name, String unit, String description, boolean personal) {
}
