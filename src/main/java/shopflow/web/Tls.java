package shopflow.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTPS from a certificate chain and its private key in PEM files, as certbot and most tools write
 * them. Jetty takes a Java KeyStore, not PEM; the JDK reads PEM certificates itself and a PKCS#8 key
 * is base64 DER, so a few lines here spare a library.
 *
 * @param certificate the server's certificate, then any intermediates ({@code BEGIN CERTIFICATE})
 * @param privateKey  its key, unencrypted: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) or PKCS#1
 *                    ({@code BEGIN RSA PRIVATE KEY})
 */
public record Tls(Path certificate, Path privateKey) {

    /** The in-memory key store's password: it never leaves this process. */
    static final char[] KEY_STORE_PASSWORD = "shopflow".toCharArray();
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    /** DER of the PKCS#8 AlgorithmIdentifier for rsaEncryption, to wrap a PKCS#1 key. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /** A key store holding the key and its chain, for Jetty; a clear message naming the file otherwise. */
    public KeyStore keyStore() {
        try {
            Certificate[] chain = certificates();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("shopflow", key(), KEY_STORE_PASSWORD, chain);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the TLS certificate " + certificate + " with the key "
                    + privateKey + ": " + e.getMessage(), e);
        }
    }

    private Certificate[] certificates() throws GeneralSecurityException {
        byte[] pem = read(certificate, "--tls-cert");
        List<? extends Certificate> chain;
        try {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
        } catch (GeneralSecurityException e) {
            chain = List.of();
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + certificate + " holds no PEM certificate"
                    + " (-----BEGIN CERTIFICATE-----)");
        }
        return chain.toArray(Certificate[]::new);
    }

    private PrivateKey key() throws GeneralSecurityException {
        String pem = new String(read(privateKey, "--tls-key"), StandardCharsets.US_ASCII);
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            String type = block.group(1);
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("--tls-key " + privateKey
                        + " is encrypted; give the key unencrypted (openssl pkcs8 -in KEY -out PLAIN -nocrypt),"
                        + " readable only by the user running ShopFlow");
                default -> {
                    // an EC PARAMETERS block before the key, or a certificate in the same file: skip
                }
            }
        }
        throw new IllegalArgumentException("--tls-key " + privateKey + " holds no unencrypted private key"
                + " (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----); convert others with"
                + " openssl pkcs8 -topk8 -nocrypt");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("the private key is not an RSA, EC or Ed25519 key", last);
    }

    /** A PKCS#1 RSAPrivateKey wrapped as PKCS#8: version 0, the RSA algorithm, the key as an octet string. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
        System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        byte[] length = content.length < 0x80 ? new byte[] {(byte) content.length}
                : lengthBytes(content.length);
        byte[] out = new byte[1 + length.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, content.length);
        return out;
    }

    private static byte[] lengthBytes(int length) {
        byte[] digits = BigInteger.valueOf(length).toByteArray();
        int skip = digits[0] == 0 ? 1 : 0;
        byte[] out = new byte[1 + digits.length - skip];
        out[0] = (byte) (0x80 | (digits.length - skip));
        System.arraycopy(digits, skip, out, 1, digits.length - skip);
        return out;
    }

    private static byte[] read(Path file, String option) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
