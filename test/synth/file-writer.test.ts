import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BackgroundFileWriter } from '../../constructs/base/file-writer';

describe('the background file writer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-writer-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes every queued file, creating folders, before finish() returns', () => {
    const writer = new BackgroundFileWriter();
    const files = Array.from({ length: 200 }, (_, i) => [path.join(dir, `c${i % 7}`, `f${i}.yaml`), `n: ${i}\n`] as const);
    writer.write(files.slice(0, 100));
    writer.write(files.slice(100));
    writer.finish();
    for (const [file, content] of files) expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  test('finish() throws the first write error; drain() after it is a no-op', () => {
    fs.writeFileSync(path.join(dir, 'taken'), 'a file, not a folder');
    const writer = new BackgroundFileWriter();
    writer.write([[path.join(dir, 'taken', 'x.yaml'), 'x: 1\n']]);
    writer.write([[path.join(dir, 'later.yaml'), 'y: 1\n']]);
    expect(() => writer.finish()).toThrow(/^writing the rendered files failed: .*taken/);
    expect(() => writer.drain()).not.toThrow();
    expect(fs.existsSync(path.join(dir, 'later.yaml'))).toBe(false);
  });

  test('a writer thread stuck on one file is reported instead of waited for forever', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = new BackgroundFileWriter(1500);
    writer.write([[fifo, 'blocks until someone reads']]);
    expect(() => writer.finish()).toThrow('writing the rendered files failed: the file writer thread made no progress for 1.5 s');
    // Opening the other end unblocks the thread, so that it can end.
    fs.closeSync(fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
  });

  test('write() after finish() is refused', () => {
    const writer = new BackgroundFileWriter();
    writer.finish();
    expect(() => writer.write([[path.join(dir, 'x.yaml'), '']])).toThrow(/after finish/);
  });
});
