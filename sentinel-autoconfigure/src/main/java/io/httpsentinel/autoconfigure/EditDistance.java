package io.httpsentinel.autoconfigure;

/**
 * How many single-character edits (insertion, deletion, substitution, swap of two
 * neighbours) turn one key into another, and how many a typo may take: the measure behind
 * "did you mean".
 */
final class EditDistance {

	private EditDistance() {
	}

	/**
	 * The optimal string alignment distance of two texts.
	 * @param a one text
	 * @param b the other
	 * @return the number of edits
	 */
	static int between(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

	/**
	 * The most edits a typo of a key of that length is taken to have: 1 for short keys,
	 * one per four characters up to 3, so that {@code pool.max-conections} finds
	 * {@code pool.max-connections} but {@code log} does not find {@code ssl}.
	 * @param length the length of the known key
	 * @return the limit
	 */
	static int typoLimit(int length) {
		return Math.max(1, Math.min(3, length / 4));
	}

}
