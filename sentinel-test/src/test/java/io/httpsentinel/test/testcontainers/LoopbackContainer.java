package io.httpsentinel.test.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A stand-in for a started container, for machines without Docker: it "runs" the given
 * image by pointing at a server on a loopback port, so that Spring Boot's
 * {@code @ServiceConnection} machinery can be exercised without starting anything.
 */
class LoopbackContainer extends GenericContainer<LoopbackContainer> {

	private final String imageName;

	private final int port;

	LoopbackContainer(String imageName, int port) {
		super(DockerImageName.parse(imageName));
		this.imageName = imageName;
		this.port = port;
	}

	@Override
	public void start() {
		// Already "running" on the loopback port.
	}

	@Override
	public void stop() {
	}

	@Override
	public boolean isRunning() {
		return true;
	}

	@Override
	public String getDockerImageName() {
		return this.imageName;
	}

	@Override
	public String getHost() {
		return "127.0.0.1";
	}

	@Override
	public Integer getFirstMappedPort() {
		return this.port;
	}

}
