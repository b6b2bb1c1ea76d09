// Electron fuses are flipped in the packaged binary by electron-builder (package.json "build".
// "electronFuses"). Flipping needs the Electron binary, which cannot be downloaded here; this test
// checks the configuration with electron-builder's own schema and its own fuse-config builder, so a
// typo or a fuse left on fails here rather than silently in an installer.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { build: Record<string, unknown> & { electronFuses: Record<string, boolean> } };
// the modules electron-builder itself runs at packaging (its own copy of @electron/fuses included)
const builderRequire = createRequire(require.resolve('app-builder-lib'));
const { PlatformPackager } = builderRequire('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(f: unknown): Promise<Record<string, unknown>> } } };
const { validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { FuseV1Options, FuseVersion } = builderRequire('@electron/fuses') as { FuseV1Options: Record<string, number>; FuseVersion: Record<string, string> };

describe('Electron fuses at packaging', () => {
  it('the build configuration passes electron-builder’s schema (and a misspelt fuse would not)', async () => {
    await expect(validateConfiguration(pkg.build, new DebugLogger(false))).resolves.toBeUndefined();
    const typo = { ...pkg.build, electronFuses: { ...pkg.build.electronFuses, runAsnode: false } };
    await expect(validateConfiguration(typo, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('turns off RunAsNode, NODE_OPTIONS and the inspect arguments, and turns on asar integrity and only-load-from-asar', async () => {
    const config = await PlatformPackager.prototype.generateFuseConfig.call({}, pkg.build.electronFuses);
    expect(config['version']).toBe(FuseVersion['V1']);
    expect(config[FuseV1Options['RunAsNode']!]).toBe(false);
    expect(config[FuseV1Options['EnableNodeOptionsEnvironmentVariable']!]).toBe(false);
    expect(config[FuseV1Options['EnableNodeCliInspectArguments']!]).toBe(false);
    expect(config[FuseV1Options['EnableEmbeddedAsarIntegrityValidation']!]).toBe(true);
    expect(config[FuseV1Options['OnlyLoadAppFromAsar']!]).toBe(true);
    // the app serves its pages from assay://, never file://, and keeps no cookies worth reading
    expect(config[FuseV1Options['GrantFileProtocolExtraPrivileges']!]).toBe(false);
    expect(config[FuseV1Options['EnableCookieEncryption']!]).toBe(true);
    // only-load-from-asar needs an asar to load from
    expect(pkg.build['asar']).toBe(true);
  });
});
