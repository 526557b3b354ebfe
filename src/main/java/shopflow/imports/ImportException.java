package shopflow.imports;

/** An import refused: the message names the file, and the line, column and value when one is at fault. */
public final class ImportException extends RuntimeException {

    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
