package shopflow;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * JUnit's {@code @TempDir}s, made by {@link TempDirectories#create} (registered in
 * junit-platform.properties): the embedded server a test starts inside one may run as another user.
 */
public final class TraversableTempDirFactory implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) {
        return TempDirectories.create("junit");
    }
}
