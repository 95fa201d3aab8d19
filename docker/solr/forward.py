"""TCP forwarder inside the Solr container: 0.0.0.0:PORT -> 127.0.0.1:TARGET.

The local stack's Solr runner (stack/solr, Solr's JettySolrRunner) binds loopback
only, by design; a container must be reachable on its network address. This
relays every connection, byte for byte, both directions, half-closes included.

    python3 forward.py LISTEN_PORT TARGET_PORT
"""

from __future__ import annotations

import asyncio
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        writer.close()


async def relay(
    target: int, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
) -> None:
    try:
        solr_r, solr_w = await asyncio.open_connection("127.0.0.1", target)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pipe(client_r, solr_w), pipe(solr_r, client_w))
    for writer in (solr_w, client_w):
        writer.close()


async def main(listen: int, target: int) -> None:
    server = await asyncio.start_server(
        lambda r, w: relay(target, r, w), "0.0.0.0", listen, reuse_address=True
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
