// A step's markdown, rendered safely: raw HTML is dropped (skipHtml), links leave the app only
// for http(s) (a new tab in the browser, the system browser in Electron), images are not fetched
// (labs work offline and the CSP allows no remote image), fenced blocks become CodeBlocks,
// `lens:` links buttons that open the lens beside the terminals, and `lab:` links links to that
// lab's address in the app (#/lab/ID).
import { useMemo } from 'react';
import ReactMarkdown, { defaultUrlTransform, type Components } from 'react-markdown';
import type { ElementContent } from 'hast';
import { useClient } from '../app/client-context.js';
import { isWebUrl } from '../api/lab-client.js';
import { LensLink } from '../lens/LensLink.js';
import { lensOfHref } from '../lens/lenses.js';
import { CodeBlock } from './CodeBlock.js';
import { parseFenceInfo } from './fence-info.js';
import { labOfHref } from './lab-links.js';

function textOf(nodes: ElementContent[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.value : n.type === 'element' ? textOf(n.children) : '')).join('');
}

/** react-markdown blanks addresses of unknown schemes; `lens:` and `lab:` links are ours (they never leave the app). */
const keepOwnLinks = (url: string): string => (lensOfHref(url) || labOfHref(url) ? url : defaultUrlTransform(url));

export function StepMarkdown({ markdown, inline = false, id }: { markdown: string; inline?: boolean; id: string }) {
  const client = useClient();
  // Stable component types: a new `pre` each render would remount every block.
  const components = useMemo(() => {
    const components: Components = {
      a: ({ href, children }) => {
        const lens = lensOfHref(href);
        if (lens) return <LensLink lens={lens}>{children}</LensLink>;
        // Another lab: an in-app link to its address, which opens it as the catalog would.
        const lab = labOfHref(href);
        if (lab) return <a href={`#/lab/${lab}`} className="lab-link" data-lab-link={lab}>{children}</a>;
        if (!href || !isWebUrl(href)) return <span className="plain-link">{children}</span>;
        return (
          <a href={href} target="_blank" rel="noopener noreferrer"
            onClick={client.kind === 'electron' ? (e) => { e.preventDefault(); client.openExternal(href); } : undefined}>
            {children}<span className="visually-hidden"> (opens outside Labvisor)</span>
          </a>
        );
      },
      img: ({ alt }) => <span className="image-placeholder">[image{alt ? `: ${alt}` : ''}]</span>,
      pre: ({ node }) => {
        const code = node?.children[0];
        if (code?.type !== 'element' || code.tagName !== 'code') return <pre>{node ? textOf(node.children) : null}</pre>;
        const classes = (code.properties.className as string[] | undefined) ?? [];
        const lang = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
        const meta = (code.data as { meta?: string } | undefined)?.meta;
        const info = parseFenceInfo(lang, meta);
        return <CodeBlock code={textOf(code.children).replace(/\n$/, '')} block={`${id}@${node?.position?.start.offset ?? 0}`}
          {...(info.machine ? { machine: info.machine } : {})} {...(info.language ? { language: info.language } : {})} />;
      },
    };
    if (inline) components.p = ({ children }) => <>{children}</>;
    return components;
  }, [client, inline, id]);
  return <ReactMarkdown skipHtml urlTransform={keepOwnLinks} components={components}>{markdown}</ReactMarkdown>;
}
