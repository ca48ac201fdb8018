import { describe, expect, it } from 'vitest';
import { makefileUkSources } from '../../importers/makefile-uk.js';
import { Report } from '../../importers/types.js';

describe('makefileUkSources', () => {
  it('takes *_SRCS-y under the library base (continuations and comments too) and reports every other line', () => {
    const mk = [
      '$(eval $(call addlib,appweb))',
      '# the app',
      'APPWEB_SRCS-y += $(APPWEB_BASE)/main.c \\',
      '                 $(APPWEB_BASE)/lib/util.c',
      'APPWEB_SRCS-$(CONFIG_APPWEB_TLS) += $(APPWEB_BASE)/tls.c',
      'APPWEB_SRCS-y += $(LIBLWIP_BASE)/x.c',
      'APPWEB_CINCLUDES-y += -I$(APPWEB_BASE)/include',
      'ifeq ($(CONFIG_X),y)',
    ].join('\n');
    const report = new Report();
    expect(makefileUkSources(mk, 'Makefile.uk', report)).toEqual(['main.c', 'lib/util.c']);
    expect(report.translated.map((n) => n.line)).toEqual([1]);
    expect(report.untranslated).toEqual([]);
    // Each may be what the app needs to compile: warnings, printed before anything else.
    expect(report.warnings.map((n) => [n.line, n.construct])).toEqual([
      [5, 'APPWEB_SRCS-$(CONFIG_APPWEB_TLS)'],
      [6, '$(LIBLWIP_BASE)/x.c'],
      [7, 'APPWEB_CINCLUDES-y'],
      [8, 'ifeq ($(CONFIG_X),y)'],
    ]);
  });

  it('never lets a source climb out of the app (..)', () => {
    const report = new Report();
    expect(makefileUkSources('A_SRCS-y += $(A_BASE)/../etc/x.c', 'Makefile.uk', report)).toEqual([]);
    expect(report.warnings).toHaveLength(1);
  });
});
