package io.httpsentinel.chaos;

/**
 * The size the reliability suite runs at: scaled down in the default build (each test
 * well under a minute on two cores), full size with {@code -Pchaos}, which sets
 * {@code sentinel.chaos.full=true} and runs only the tests of this package.
 */
final class ChaosScale {

	/** Whether the suite runs at full size ({@code -Pchaos}). */
	static final boolean FULL = Boolean.getBoolean("sentinel.chaos.full");

	private ChaosScale() {
	}

	/**
	 * The figure for the current size.
	 * @param scaledDown the figure in the default build
	 * @param full the figure with {@code -Pchaos}
	 * @return one of the two
	 */
	static int of(int scaledDown, int full) {
		return FULL ? full : scaledDown;
	}

}
