package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.TempDirectories;

/** HTTPS from PEM files, with a self-signed certificate made for the test by the JDK's keytool. */
class TlsTest {

    private static final Path DIR = temporaryDirectory();
    private static final KeyStore GENERATED = keytool(DIR);
    private static final Path CERT = pem(DIR.resolve("cert.pem"), "CERTIFICATE", encoded(certificate()));
    private static final Path KEY = pem(DIR.resolve("key.pem"), "PRIVATE KEY", privateKey());

    @RegisterExtension
    static final TestServer app = TestServer.startHttps(new Tls(CERT, KEY), trusting(certificate()));

    @AfterAll
    static void removeFiles() {
        TempDirectories.delete(DIR);
    }

    @Test
    void the_api_answers_over_https_with_the_pem_certificate() {
        assertThat(app.url("/")).startsWith("https://");
        assertThat(app.get("/api/health", null).statusCode()).isEqualTo(200);
        assertThat(app.get("/api/me", app.viewer).body()).contains("\"role\":\"viewer\"");
        assertThat(app.server.recentLog()).anyMatch(line -> line.startsWith("serving on https://localhost:"));
    }

    @Test
    void plain_http_on_the_https_port_gets_no_answer() throws IOException {
        try (Socket socket = new Socket("localhost", app.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(12);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain("200");
        } catch (java.net.SocketException reset) {
            // Jetty may close the connection outright: no answer either
        }
    }

    @Test
    void an_rsa_key_in_pkcs1_form_is_read_too() throws Exception {
        // PKCS#8 of a 2048-bit RSA key: a 26-byte header, then the PKCS#1 RSAPrivateKey it wraps
        byte[] pkcs8 = privateKey();
        Path pkcs1 = pem(DIR.resolve("rsa.pem"), "RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
        KeyStore store = new Tls(CERT, pkcs1).keyStore();
        assertThat(store.getKey("shopflow", Tls.KEY_STORE_PASSWORD).getEncoded()).isEqualTo(pkcs8);
    }

    @Test
    void unusable_files_are_refused_naming_the_option_and_the_file() {
        assertThatThrownBy(() -> new Tls(DIR.resolve("missing.pem"), KEY).keyStore())
                .hasMessageStartingWith("--tls-cert " + DIR.resolve("missing.pem") + " cannot be read");
        assertThatThrownBy(() -> new Tls(KEY, KEY).keyStore())
                .hasMessageContaining("--tls-cert " + KEY + " holds no PEM certificate");
        assertThatThrownBy(() -> new Tls(CERT, CERT).keyStore())
                .hasMessageContaining("--tls-key " + CERT + " holds no unencrypted private key");
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("shopflow-tls-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A self-signed certificate for localhost in a PKCS#12 store, made by the JDK's keytool. */
    private static KeyStore keytool(Path dir) {
        Path store = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        try {
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "test", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, "changeit".toCharArray());
            }
            return keys;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Certificate certificate() {
        try {
            return GENERATED.getCertificate("test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] privateKey() {
        try {
            return GENERATED.getKey("test", "changeit".toCharArray()).getEncoded(); // PKCS#8
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path pem(Path file, String type, byte[] der) {
        String text = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trusting(Certificate certificate) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("test", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
