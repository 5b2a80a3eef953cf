import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { edgeSecurityHeaders } from '../../shared/serve/edge-security-headers.ts';
import {
  opmlKey,
  rootTextFiles,
  sitemapIndexKey,
  sitePrefixes,
  underPrefix,
} from '../../shared/site-layout.ts';

/** Properties of {@link SiteDistribution}. */
export interface SiteDistributionProps {
  /** Published site (feeds, archives, OPML, records); reached through OAC only. */
  siteBucket: s3.IBucket;
  /** Permalink function URL (`AWS_IAM` auth); reached through OAC only. */
  articleFunctionUrl: lambda.IFunctionUrl;
  /** Where CloudFront writes its standard access logs (bucket with ACLs for log delivery). */
  logBucket: s3.IBucket;
  customDomain: { domainName: string; certificateArn: string } | undefined;
}

/**
 * Header carrying the viewer's Host to the permalink function. CloudFront must send the Function
 * URL's own Host to the origin (`ALL_VIEWER_EXCEPT_HOST_HEADER`), so the host the reader typed
 * would be lost; a viewer-request CloudFront Function copies it here. Trustworthy: the Function
 * URL answers only CloudFront (IAM auth + OAC), and CloudFront only routes its own hostnames.
 */
export const viewerHostHeader = 'x-forwarded-host';

/**
 * Every cache behaviour besides the default one (`/` and anything else → the permalink
 * function), and which origin it goes to. Adding a behaviour is one line here: a `bucket` or
 * `media` path also gets its read grant in the site bucket's policy, and every behaviour gets
 * the security response headers. `media` is the site bucket too, under a cache policy for
 * content-addressed objects (a key never changes content: cached a year).
 */
export const pathRoutes = {
  [`/${underPrefix(sitePrefixes.articles)}`]: 'function',
  [`/${underPrefix(sitePrefixes.feeds)}`]: 'bucket',
  [`/${opmlKey}`]: 'bucket',
  // Discovery: the branding kit (content-addressed, cached immutable), the sitemaps, and the root
  // text files (robots.txt and the IndexNow key file `/<key>.txt`; `/articles/*` is matched first,
  // and the site bucket holds no other `.txt` object).
  [`/${underPrefix(sitePrefixes.brand)}`]: 'bucket',
  [`/${underPrefix(sitePrefixes.sitemaps)}`]: 'bucket',
  [`/${sitemapIndexKey}`]: 'bucket',
  [`/${rootTextFiles}`]: 'bucket',
  // Photo renditions and page facsimiles (docs/photos.md). No Referer check, on purpose: feed
  // readers and aggregators load these from their own pages, and a paper refusing their
  // Referer is what leaves scraped e-paper feeds without pictures.
  [`/${underPrefix(sitePrefixes.media)}`]: 'media',
} as const satisfies Record<string, 'bucket' | 'function' | 'media'>;

/** Paths served straight from the site bucket: feeds, archives, OPML, discovery files, media. */
export const staticPathPatterns = Object.entries(pathRoutes)
  .filter(([, origin]) => origin !== 'function')
  .map(([pattern]) => pattern);

// CloudFront Functions run on the cloudfront-js-2.0 runtime (ES5.1 + a few ES6 features), not Node.
// Accept is normalised to the two representations the permalink function knows, so the cache key
// holds two variants per article instead of one per browser's Accept string.
const viewerRequestCode = `function handler(event) {
  var request = event.request;
  var headers = request.headers;
  headers['${viewerHostHeader}'] = { value: headers.host ? headers.host.value : '' };
  var accept = headers.accept ? headers.accept.value.toLowerCase() : '';
  headers.accept = { value: accept.indexOf('application/json') !== -1 ? 'application/json' : 'text/html' };
  return request;
}`;

/**
 * The public face of the publisher: one CloudFront distribution, HTTPS only, TLS 1.2+ when a
 * custom domain is configured, two private origins behind origin access control.
 */
export class SiteDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://<custom domain or CloudFront domain>` (a token without a custom domain). */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);

    const { feedCachePolicy, articleCachePolicy, mediaCachePolicy, pageHeaders, feedHeaders } =
      this.policies();

    const viewerRequest = new cloudfront.Function(this, 'ViewerRequest', {
      comment: 'Forward the viewer host; normalise Accept for the cache key',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(viewerRequestCode),
    });

    const articleOrigin = origins.FunctionUrlOrigin.withOriginAccessControl(props.articleFunctionUrl, {
      // The function's own timeout is 10 s; CloudFront must not give up first.
      readTimeout: Duration.seconds(15),
    });
    const articleBehavior: cloudfront.BehaviorOptions = {
      origin: articleOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy: articleCachePolicy,
      // Host must be the Function URL's for IAM signing; the viewer's travels in x-forwarded-host.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: pageHeaders,
      compress: true,
      functionAssociations: [
        { function: viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    };

    // CDK would grant the distribution s3:GetObject on the whole bucket (`/*`). Hand it a reference
    // to the bucket instead, so it cannot edit the policy, and grant only the public paths below:
    // issues/, state/ and reports/ stay unreadable even if a behaviour is misconfigured later.
    const siteBucketRef = s3.Bucket.fromBucketAttributes(this, 'SiteBucketRef', {
      bucketArn: props.siteBucket.bucketArn,
      bucketName: props.siteBucket.bucketName,
      bucketRegionalDomainName: props.siteBucket.bucketRegionalDomainName,
    });
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(siteBucketRef);
    Validations.of(this).acknowledge({
      id: '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      reason:
        "Intended: this construct writes the distribution's bucket policy statement itself (below), limited to feeds/* and feeds.opml.",
    });
    const feedBehavior: cloudfront.BehaviorOptions = {
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy: feedCachePolicy,
      // No origin request policy: nothing from the viewer (cookies included) reaches S3.
      responseHeadersPolicy: feedHeaders,
      compress: true,
    };

    // Pictures and PDFs are compressed already; CORS stays open so web readers may use them.
    const mediaBehavior: cloudfront.BehaviorOptions = {
      ...feedBehavior,
      cachePolicy: mediaCachePolicy,
      compress: false,
    };

    const domain = props.customDomain;
    const behaviors = { function: articleBehavior, bucket: feedBehavior, media: mediaBehavior };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Quzhou Daily feeds and permalinks',
      defaultBehavior: articleBehavior,
      additionalBehaviors: Object.fromEntries(
        Object.entries(pathRoutes).map(([pattern, origin]) => [pattern, behaviors[origin]]),
      ),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Asia (the readers), Europe and North America; excludes only the dearest edge regions.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableIpv6: true,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      ...(domain === undefined
        ? {}
        : {
            domainNames: [domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }),
    });

    this.acknowledgeFindings(domain !== undefined);

    this.grantBucketReads(props.siteBucket);

    this.siteUrl = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
  }

  /** Cache and response-headers policies: feeds and pages differ in cache key and CORS only. */
  private policies() {
    // Feeds carry their own Cache-Control (written by publishing): honour it, fall back to 5 min,
    // never let a missing header pin a feed for CACHING_OPTIMIZED's default day.
    const feedCachePolicy = new cloudfront.CachePolicy(this, 'FeedCachePolicy', {
      comment: 'Feeds and OPML: origin Cache-Control, no cookies, headers or query strings in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.days(365),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // Media keys are content-addressed (shared/site-layout.ts `mediaKey`) and written with
    // `immutable, max-age=31536000`: a year at the edge (also for an object stored without the
    // header), with nothing from the viewer (no Referer, cookie, header or query string) in the
    // key or sent to S3. A deleted rendition stays at the edge until invalidated (docs/photos.md).
    const mediaCachePolicy = new cloudfront.CachePolicy(this, 'MediaCachePolicy', {
      comment: 'Photos and facsimiles: content-addressed, immutable, cached a year',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
    });

    // Article pages answer HTML or JSON by Accept (Vary: Accept), so Accept is part of the key.
    const articleCachePolicy = new cloudfront.CachePolicy(this, 'ArticleCachePolicy', {
      comment: 'Permalink pages: origin Cache-Control, normalised Accept in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Accept'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // The one definition the local server uses too (shared/serve/edge-security-headers.ts).
    const edge = edgeSecurityHeaders;
    const securityHeaders: cloudfront.ResponseSecurityHeadersBehavior = {
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(edge.strictTransportSecurity.maxAgeSeconds),
        includeSubdomains: edge.strictTransportSecurity.includeSubdomains,
        preload: edge.strictTransportSecurity.preload,
        override: edge.strictTransportSecurity.override,
      },
      contentTypeOptions: { override: edge.contentTypeOptions.override },
      frameOptions: {
        frameOption: edge.frameOptions.value as cloudfront.HeadersFrameOption,
        override: edge.frameOptions.override,
      },
      referrerPolicy: {
        referrerPolicy: edge.referrerPolicy.value as cloudfront.HeadersReferrerPolicy,
        override: edge.referrerPolicy.override,
      },
      // The permalink function sends its own, stricter CSP (style hash); keep it (override false).
      contentSecurityPolicy: {
        contentSecurityPolicy: edge.contentSecurityPolicy.value,
        override: edge.contentSecurityPolicy.override,
      },
    };

    const pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'HSTS and security headers for pages',
      securityHeadersBehavior: securityHeaders,
    });

    // Web-based feed readers fetch JSON Feed / Atom from the browser: public documents, CORS open.
    const feedHeaders = new cloudfront.ResponseHeadersPolicy(this, 'FeedHeaders', {
      comment: 'HSTS, security headers and read-only CORS for public feeds',
      securityHeadersBehavior: securityHeaders,
      corsBehavior: {
        accessControlAllowCredentials: false,
        accessControlAllowHeaders: ['*'],
        accessControlAllowMethods: ['GET', 'HEAD'],
        accessControlAllowOrigins: ['*'],
        accessControlExposeHeaders: ['ETag', 'Last-Modified'],
        accessControlMaxAge: Duration.days(1),
        originOverride: true,
      },
    });

    return { feedCachePolicy, articleCachePolicy, mediaCachePolicy, pageHeaders, feedHeaders };
  }

  /** The site bucket's policy: this distribution may read the public paths and hear 404s. */
  private grantBucketReads(bucket: s3.IBucket): void {
    const publicKeyPatterns = staticPathPatterns.map((pattern) => pattern.slice(1));
    const cloudFront = new iam.ServicePrincipal('cloudfront.amazonaws.com');
    const fromThisDistribution = { 'AWS:SourceArn': this.distribution.distributionArn };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontReadsPublicPaths',
        principals: [cloudFront],
        actions: ['s3:GetObject'],
        resources: publicKeyPatterns.map((pattern) => bucket.arnForObjects(pattern)),
        conditions: { StringEquals: fromThisDistribution },
      }),
    );
    // Without ListBucket, S3 answers a missing feed with 403, and some feed readers take 403 as
    // "forbidden" and stop polling. AWS documents only "ListBucket → 404" (GetObject reference,
    // Permissions), not that an s3:prefix condition counts for a single-object read, so the grant
    // is unconditioned but for this distribution. What keeps CloudFront from listing is routing: a
    // ListObjects request is a GET of the bucket root (`/`, routed to the permalink function), and
    // no behaviour forwards a query string to S3. Listing reveals key names only; reading still
    // stops at the public paths above. A CloudFront custom error response (403 → 404) was the
    // alternative; it is distribution-wide (it would rewrite the permalink function's 403s too and
    // hide a real permission fault behind a 404), and CloudFront pairs it with an error page.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontHearsMissingFeeds',
        principals: [cloudFront],
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: fromThisDistribution },
      }),
    );
  }

  private acknowledgeFindings(customDomain: boolean): void {
    if (!customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version; with the domainName/certificateArn context the distribution requires TLSv1.2_2021.',
      });
    }
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'A newspaper is read worldwide; the content is public and carries no geographic licence limit.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Read-only public documents; the origins accept GET/HEAD only and every origin request is cached or answered from S3. A WAF web ACL can be attached by the operator if abuse appears.',
      },
    );
  }
}
