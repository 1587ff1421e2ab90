package io.httpsentinel.test.autoconfigure;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the slice tests find, as a user's would be: its controllers are the
 * ones each slice names.
 */
@SpringBootApplication
class SliceTestApplication {

}
