package io.infergate.infer.observability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The project's version, as the build wrote it into this jar; every command's {@code --version}
 * prints it ({@code @Command(versionProvider = ProjectVersion.class)}).
 */
public final class ProjectVersion implements IVersionProvider {
  private static final String VERSION = read();

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-NAME} " + VERSION};
  }

  private static String read() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the observability jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
