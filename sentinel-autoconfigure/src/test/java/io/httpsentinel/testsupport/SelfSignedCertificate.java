package io.httpsentinel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh self-signed certificate for {@code localhost} / {@code 127.0.0.1}, made with
 * the JDK's own {@code keytool} so that no key material lives in the repository.
 */
public final class SelfSignedCertificate {

	private static final String PASSWORD = "changeit";

	private final Path keyStore;

	private final Path certificatePem;

	private SelfSignedCertificate(Path keyStore, Path certificatePem) {
		this.keyStore = keyStore;
		this.certificatePem = certificatePem;
	}

	public static SelfSignedCertificate create(Path directory) throws IOException, InterruptedException {
		Path keyStore = directory.resolve("server.p12");
		Path certificate = directory.resolve("server.crt");
		keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
				"-file", certificate.toString());
		return new SelfSignedCertificate(keyStore, certificate);
	}

	private static void keytool(String... args) throws IOException, InterruptedException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("keytool failed: " + output);
		}
	}

	/**
	 * Certificate in PEM form, for a client trust store.
	 * @return the path of the PEM file
	 */
	public Path certificatePem() {
		return this.certificatePem;
	}

	public PrivateKey privateKey() throws Exception {
		return (PrivateKey) load().getKey("server", PASSWORD.toCharArray());
	}

	public X509Certificate certificate() throws Exception {
		return (X509Certificate) load().getCertificate("server");
	}

	private KeyStore load() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(this.keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

}
