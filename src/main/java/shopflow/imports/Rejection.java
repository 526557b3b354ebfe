package shopflow.imports;

/** Why one line of a file was refused: its line number (the header is line 1), the column and the value at fault. */
public record Rejection(long line, String column, String value, String reason) {

    /** "line 7, column Quantity, value 'abc': not a whole number". */
    public String describe() {
        return "line " + line + ", column " + column + ", value '" + value + "': " + reason;
    }
}
