package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatTest {

  // A real line from /proc/<pid>/stat of a JVM: utime 1519 and stime 211 are fields 14 and 15.
  private static final String JAVA =
      "22651 (java) S 22634 22634 1 0 -1 4194560 75826 0 12 0 1519 211 0 0 20 0 41 0 4459131"
          + " 3712266240 122370 18446744073709551615 1 1 0 0 0 0 4 0 16800975 0 0 0 17 0 0 0 0 0"
          + " 0 0 0 0 0 0 0 0 0";

  @Test
  void readsPidParentUtimeAndStime() {
    ProcStat stat = ProcStat.parse(JAVA);

    assertThat(stat).isEqualTo(new ProcStat(22651, 22634, 1519, 211));
    assertThat(stat.cpuTicks()).isEqualTo(1730);
    assertThat(stat.cpuSeconds()).isEqualTo(17.30);
  }

  @Test
  void countsFieldsFromTheLastParenthesisSoOddCommandNamesDoNotShiftThem() {
    String odd = JAVA.replace("(java)", "(a) b (c) d)");

    assertThat(ProcStat.parse(odd)).isEqualTo(new ProcStat(22651, 22634, 1519, 211));
  }

  @Test
  void secondsSinceIsTheDifferenceOfBothFields() {
    ProcStat before = new ProcStat(1, 0, 100, 50);
    ProcStat after = new ProcStat(1, 0, 350, 75);

    assertThat(after.secondsSince(before)).isEqualTo(2.75);
  }

  @Test
  void rejectsWhatIsNotAStatLine() {
    assertThatThrownBy(() -> ProcStat.parse("no parenthesis here"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcStat.parse("1 (java) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcStat.parse(JAVA.replace(" 1519 ", " x ")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisProcessAndItsTree() {
    long self = ProcStat.self().cpuTicks(); // read first: the counts only grow

    assertThat(self).isGreaterThanOrEqualTo(0);
    assertThat(ProcStat.treeCpuTicks(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(self);
  }

  @Test
  void treeAddsDescendantsButNotOthers() {
    List<ProcStat> all =
        List.of(
            new ProcStat(10, 1, 100, 10), // nginx master
            new ProcStat(11, 10, 5000, 900), // its worker
            new ProcStat(12, 11, 1, 1), // a grandchild
            new ProcStat(20, 1, 7777, 7777)); // someone else

    assertThat(ProcStat.treeCpuTicks(10, all)).isEqualTo(110 + 5900 + 2);
    assertThat(ProcStat.treeCpuTicks(11, all)).isEqualTo(5902);
  }
}
