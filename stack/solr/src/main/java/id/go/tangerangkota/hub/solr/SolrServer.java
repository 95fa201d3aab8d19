package id.go.tangerangkota.hub.solr;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a standalone Solr 9 node on loopback.
 *
 * <p>Usage: {@code SolrServer SOLR_HOME PORT}. SOLR_HOME holds solr.xml and one
 * directory per core (core.properties + conf/). The process lives until it is
 * sent SIGTERM, which stops Jetty cleanly through the shutdown hook.
 */
public final class SolrServer {
  private SolrServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrServer SOLR_HOME PORT");
      System.exit(64);
    }
    Path solrHome = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    System.setProperty("jetty.host", "127.0.0.1");
    System.setProperty("host", "127.0.0.1");

    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr").build();
    JettySolrRunner runner = new JettySolrRunner(solrHome.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }));
    runner.start();
    System.out.println("solr listening on http://127.0.0.1:" + runner.getLocalPort() + "/solr");
    stopped.await();
  }
}
