package io.infergate.infer.observability;

import picocli.CommandLine.Command;

/**
 * {@code --help} and {@code --version} (the project's version), which every command of ours
 * answers: {@code @Mixin HelpAndVersion helpAndVersion;} in its command class.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class)
public final class HelpAndVersion {}
